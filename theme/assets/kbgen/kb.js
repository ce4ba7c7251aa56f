/* kbgen widgets: dependency-free, progressive enhancement only. */
(function () {
  "use strict";

  // FAQ permalinks: opening /category/#entry opens (and scrolls to) that entry.
  function openFaqFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var item = document.getElementById(id);
    if (!item || !item.matches("details[data-kb-faq]")) return;
    document.querySelectorAll(".kb-is-target").forEach(function (el) { el.classList.remove("kb-is-target"); });
    item.open = true;
    item.classList.add("kb-is-target");
    item.scrollIntoView({ block: "start" });
  }

  window.addEventListener("hashchange", openFaqFromHash);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openFaqFromHash);
  } else {
    openFaqFromHash();
  }
})();
