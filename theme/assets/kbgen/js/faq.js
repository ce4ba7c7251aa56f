/* FAQ links: /category/#entry opens (and scrolls to) that entry of the accordion. */
(function (kb) {
  function openFaqFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var item = document.getElementById(id);
    if (!item || !item.matches("details[data-kb-faq]")) return;
    document.querySelectorAll(".kb-is-target").forEach(function (n) { n.classList.remove("kb-is-target"); });
    item.open = true;
    item.classList.add("kb-is-target");
    item.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", openFaqFromHash);
  kb.widget("faq", openFaqFromHash);
})(kb);
