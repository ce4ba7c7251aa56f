/* Notice banners ([data-kb-notice]): a banner shows between its start and end (checked
   here, so an ended notice disappears without a rebuild) unless dismissed since its
   latest update; checked again every minute. */
(function (kb) {
  function updateBanners() {
    var t = kb.now().getTime(), storage = kb.store();
    document.querySelectorAll("[data-kb-notice]").forEach(function (banner) {
      var start = Date.parse(banner.getAttribute("data-kb-start"));
      var end = banner.hasAttribute("data-kb-end") ? Date.parse(banner.getAttribute("data-kb-end")) : Infinity;
      var key = "kb-dismissed:" + banner.getAttribute("data-kb-notice");
      var dismissed = storage && storage.getItem(key) === banner.getAttribute("data-kb-version");
      banner.hidden = t < start || t >= end || !!dismissed;
    });
  }
  function bannerButtons() {
    var storage = kb.store();
    document.querySelectorAll("[data-kb-notice] [data-kb-dismiss]").forEach(function (button) {
      var banner = button.closest("[data-kb-notice]");
      button.hidden = !storage;
      button.addEventListener("click", function () {
        storage.setItem("kb-dismissed:" + banner.getAttribute("data-kb-notice"),
                        banner.getAttribute("data-kb-version"));
        banner.hidden = true;
      });
    });
  }

  kb.widget("notices", function () {
    if (!document.querySelector("[data-kb-notice]")) return;
    bannerButtons();
    updateBanners();
    kb.everyMinute(updateBanners);
  });
})(kb);
