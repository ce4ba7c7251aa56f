/* Notice banners ([data-kb-notice]): a banner shows between its start and end (checked
   here, so an ended notice disappears without a rebuild) unless dismissed since its
   latest update; checked again every minute. The banners form one slim bar
   ([data-kb-banners]): the first banner still shown (they come most severe first) leads,
   the others wait behind "+N more". */
(function (kb) {
  var all = [];

  function updateBanners() {
    var t = kb.now().getTime(), storage = kb.store();
    all.forEach(function (banner) {
      var start = Date.parse(banner.getAttribute("data-kb-start"));
      var end = banner.hasAttribute("data-kb-end") ? Date.parse(banner.getAttribute("data-kb-end")) : Infinity;
      var key = "kb-dismissed:" + banner.getAttribute("data-kb-notice");
      var dismissed = storage && storage.getItem(key) === banner.getAttribute("data-kb-version");
      banner.hidden = t < start || t >= end || !!dismissed;
    });
    arrange();
  }
  function arrange() {
    var bar = document.querySelector("[data-kb-banners]");
    if (!bar) return;
    var lead = bar.querySelector("[data-kb-banners-lead]"), more = bar.querySelector("[data-kb-banners-more]");
    var others = bar.querySelector("[data-kb-banners-others]"), count = bar.querySelector("[data-kb-banners-count]");
    var shown = all.filter(function (b) { return !b.hidden; });
    if (lead.firstElementChild !== (shown[0] || null)) {  // moved only when the lead changes
      all.forEach(function (b) { (b === shown[0] ? lead : others).appendChild(b); });
    }
    var n = shown.length - 1;
    more.hidden = n < 1;
    count.textContent = kb.nt("+{num} more notice", "+{num} more notices", n);
    bar.hidden = !shown.length;
  }
  function bannerButtons() {
    var storage = kb.store();
    all.forEach(function (banner) {
      var button = banner.querySelector("[data-kb-dismiss]");
      if (!button) return;
      button.hidden = !storage;
      button.addEventListener("click", function () {
        storage.setItem("kb-dismissed:" + banner.getAttribute("data-kb-notice"),
                        banner.getAttribute("data-kb-version"));
        banner.hidden = true;
        arrange();
      });
    });
  }

  kb.widget("notices", function () {
    all = Array.prototype.slice.call(document.querySelectorAll("[data-kb-notice]"));
    if (!all.length) return;
    bannerButtons();
    updateBanners();
    kb.everyMinute(updateBanners);
  });
})(kb);
