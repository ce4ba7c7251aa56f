/* Glossary tooltips (.kb-term): CSS shows a term's definition on hover and focus;
   Escape hides an open tooltip (WCAG 1.4.13) until focus moves on. */
(function (kb) {
  kb.widget("glossary", function () {
    if (!document.querySelector(".kb-term")) return;
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var term = document.activeElement && document.activeElement.closest && document.activeElement.closest(".kb-term");
      if (term) term.classList.add("kb-tip-dismissed");
    });
    document.addEventListener("focusout", function (e) {
      var term = e.target.closest && e.target.closest(".kb-term");
      if (term) term.classList.remove("kb-tip-dismissed");
    });
  });
})(kb);
