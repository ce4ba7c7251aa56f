/* kbgen serve --watch: reload the page after a rebuild, and show a failed rebuild's errors
   over the last good page until a save fixes them (then the page reloads).

   Served as a file by kbgen serve (pages allow no inline script, and nothing here uses eval).
   The errors quote writers' text: they only ever reach the page as textContent. */
(function () {
  "use strict";
  var STATUS = "/_kbgen/livereload";
  var ID = "kb-build-errors";
  var CSS =
    "#kb-build-errors{position:fixed;z-index:2147483000;top:1rem;left:50%;transform:translateX(-50%);" +
    "box-sizing:border-box;width:min(48rem,calc(100vw - 2rem));max-height:calc(100vh - 2rem);overflow:auto;" +
    "padding:1rem 1.25rem;border:2px solid #b3261e;border-left-width:8px;border-radius:6px;" +
    "background:#fff;color:#1b1b1b;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;" +
    "box-shadow:0 8px 32px rgba(0,0,0,.35);text-align:left}" +
    "#kb-build-errors h2{margin:0 0 .25rem;font-size:1.25rem;font-weight:700;color:inherit}" +
    "#kb-build-errors p{margin:0 0 .75rem}" +
    "#kb-build-errors ol{margin:0 0 1rem;padding-left:1.5rem}" +
    "#kb-build-errors li{margin:.25rem 0}" +
    "#kb-build-errors code{font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:inherit;" +
    "background:none;white-space:pre-wrap;overflow-wrap:anywhere}" +
    "#kb-build-errors button{font:inherit;font-weight:600;padding:.4rem 1rem;border:2px solid #b3261e;" +
    "border-radius:4px;background:#b3261e;color:#fff;cursor:pointer}" +
    "#kb-build-errors button:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}" +
    "@media (prefers-color-scheme:dark){#kb-build-errors{background:#1e1f24;color:#f1f1f1;border-color:#ff8a80}" +
    "#kb-build-errors button{background:#ffb4ab;border-color:#ffb4ab;color:#1b1b1b}" +
    "#kb-build-errors button:focus-visible{outline-color:#f1f1f1}}" +
    "[data-md-color-scheme=slate] #kb-build-errors{background:#1e1f24;color:#f1f1f1;border-color:#ff8a80}" +
    "[data-md-color-scheme=slate] #kb-build-errors button{background:#ffb4ab;border-color:#ffb4ab;color:#1b1b1b}" +
    "[data-md-color-scheme=slate] #kb-build-errors button:focus-visible{outline-color:#f1f1f1}" +
    "[data-md-color-scheme=default] #kb-build-errors{background:#fff;color:#1b1b1b;border-color:#b3261e}" +
    "[data-md-color-scheme=default] #kb-build-errors button{background:#b3261e;border-color:#b3261e;color:#fff}" +
    "[data-md-color-scheme=default] #kb-build-errors button:focus-visible{outline-color:#1b1b1b}";

  var build = null; // the build of this page's (market, language) pair when it loaded
  var shown = null; // the errors on screen, as one string
  var dismissed = null; // errors the writer closed: not shown again until they change
  var before = null; // where focus was before the overlay took it

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hide() {
    var box = document.getElementById(ID);
    if (box) box.remove();
    if (before && document.contains(before)) before.focus();
    before = null;
    shown = null;
  }

  function show(errors, key) {
    if (!document.getElementById(ID + "-style")) {
      document.head.appendChild(element("style", { id: ID + "-style" }, CSS));
    }
    var old = document.getElementById(ID);
    if (old) old.remove();
    else before = document.activeElement;
    var box = element("div", {
      id: ID,
      role: "alertdialog",
      "aria-modal": "false",
      "aria-labelledby": ID + "-title",
      "aria-describedby": ID + "-help",
      "data-search-exclude": "",
    });
    var problems = errors.length === 1 ? "1 problem" : errors.length + " problems";
    box.appendChild(element("h2", { id: ID + "-title" }, "The last save did not build: " + problems));
    box.appendChild(
      element(
        "p",
        { id: ID + "-help" },
        "Below is the last page that built. Fix the file and save: this page reloads by itself."
      )
    );
    var list = element("ol", {});
    errors.forEach(function (text) {
      var item = element("li", {});
      item.appendChild(element("code", {}, String(text)));
      list.appendChild(item);
    });
    box.appendChild(list);
    var close = element("button", { type: "button" }, "Close");
    close.addEventListener("click", function () {
      dismissed = key;
      hide();
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        dismissed = key;
        hide();
      }
    });
    box.appendChild(close);
    document.body.appendChild(box);
    shown = key;
    close.focus();
  }

  // A long poll: the server answers when its state changes after the one we saw (or after
  // a while with nothing new), so a rebuild reaches the page at once.
  var change = null;

  // The last build that changed this page's pair: a preview puts the saved page's pair live
  // first, and the others a moment later (then only their pages reload).
  function pairBuild(status) {
    var pairs = status.pairs;
    if (!pairs) return status.build; // an older server: every build
    var first = location.pathname.split("/")[1] || "";
    var key = first && Object.prototype.hasOwnProperty.call(pairs, first) ? first : "";
    return pairs[key] === undefined ? status.build : pairs[key];
  }

  function poll() {
    // the page says where it is: a preview puts the pages writers look at live first
    var url = STATUS + "?page=" + encodeURIComponent(location.pathname);
    if (change !== null) url += "&since=" + encodeURIComponent(change);
    var next = 250; // a server with too many pages waiting answers at once: do not spin
    fetch(url, { cache: "no-store" })
      .then(function (response) {
        return response.json();
      })
      .then(function (status) {
        // a page that already shows the last build's version of it is not reloaded again
        var mine = status.page !== undefined ? status.page : pairBuild(status);
        if (build !== null && mine !== build) {
          location.reload(); // a newer good build: errors, if any, show again after the reload
          next = null;
          return;
        }
        if (status.change !== undefined && status.change !== change) next = 0;
        change = status.change === undefined ? null : status.change;
        if (change === null) next = 1000; // an older server: poll once a second
        build = mine;
        var errors = status.errors || [];
        var key = errors.join("\n");
        if (!errors.length) {
          dismissed = null;
          if (shown !== null) hide();
        } else if (key !== shown && key !== dismissed) {
          show(errors, key);
        }
      })
      .catch(function () {
        next = 1000; // the server is restarting
      })
      .finally(function () {
        if (next !== null) setTimeout(poll, next);
      });
  }

  poll();
})();
