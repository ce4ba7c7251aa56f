/* Glossary tooltips (.kb-term): CSS shows a term's definition on hover and focus; this
   keeps it inside the text column, and Escape hides an open tooltip (WCAG 1.4.13) until
   focus moves on. */
(function (kb) {
  // A tip opens to the right of its term; near the edge of the text it would cover the table
  // of contents (or leave the screen on a phone): slide it back inside the text column.
  function fit(term) {
    var tip = term.querySelector(".kb-term__tip");
    var column = term.closest(".md-content") || document.body;
    if (!tip) return;
    tip.style.left = "";
    var box = tip.getBoundingClientRect(), bounds = column.getBoundingClientRect();
    var right = Math.min(bounds.right, document.documentElement.clientWidth) - 4;
    var shift = Math.min(0, right - box.right);
    shift = Math.max(shift, Math.max(bounds.left, 0) + 4 - box.left);
    if (shift) tip.style.left = shift + "px";
  }

  kb.widget("glossary", function () {
    if (!document.querySelector(".kb-term")) return;
    ["mouseover", "focusin"].forEach(function (type) {
      document.addEventListener(type, function (e) {
        var term = e.target.closest && e.target.closest(".kb-term");
        if (term) fit(term);
      });
    });
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
