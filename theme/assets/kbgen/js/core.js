/* kbgen widgets, shared helpers: dependency-free progressive enhancement. Everything
   works without these scripts (plain forms and links). The build concatenates the
   modules of this folder in a declared order inside one function (kbgen/bundle.py),
   so `kb` is private to the bundle: each module adds to it, registers its widget with
   kb.widget(), and the last line of the bundle calls kb.start(). */
var kb = (function () {
  var widgets = [], ticks = [];

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  // Snippets are HTML-escaped text with <mark> and nothing else: build DOM nodes
  // from that shape instead of trusting it as HTML.
  var decoder = document.createElement("textarea");
  function decode(text) { decoder.innerHTML = text; return decoder.value; }
  function snippetNodes(snippet) {
    var frag = document.createDocumentFragment();
    String(snippet || "").split(/(<mark>[\s\S]*?<\/mark>)/).forEach(function (part) {
      var m = /^<mark>([\s\S]*)<\/mark>$/.exec(part);
      if (m) frag.appendChild(el("mark", { text: decode(m[1]) }));
      else if (part) frag.appendChild(document.createTextNode(decode(part)));
    });
    return frag;
  }

  function store() { try { return window.localStorage; } catch (e) { return null; } }

  // A random id per browser (no cookie), so a page gets one vote per browser.
  function browserId() {
    var storage = store();
    var id = storage && storage.getItem("kb-browser");
    if (!id) {
      id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() :
        String(Math.random()).slice(2) + String(Date.now());
      if (storage) storage.setItem("kb-browser", id);
    }
    return id;
  }

  // `browser`: the id to send instead of this browser's (a search kbgen serve recorded
  // for the page carries its own).
  function postJson(base, path, body, browser) {
    return fetch(new URL(path, new URL(base.replace(/\/?$/, "/"), location.href)), {
      method: "POST", keepalive: true,
      headers: { "Content-Type": "application/json", "X-KB-Browser": browser || browserId() },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { var error = new Error("HTTP " + r.status); error.status = r.status; throw error; }
      return r;
    });
  }

  function now() { return new Date(); }

  // Messages in the page's language: the page carries the translations the widgets need
  // (<script type="application/json" data-kb-messages>, written by the build from kbgen's
  // catalog; none on an English page). The English text is the key and the fallback;
  // "{name}" placeholders are filled from `values`. `nt` picks the plural form with
  // Intl.PluralRules, the categories the build keyed the forms by.
  var catalog = null;
  function messages() {
    if (catalog === null) {
      var node = document.querySelector("script[data-kb-messages]");
      try { catalog = node ? JSON.parse(node.textContent) : {}; } catch (e) { catalog = {}; }
    }
    return catalog;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : m;
    });
  }
  function lang() { return document.documentElement.getAttribute("lang") || "en"; }
  function t(msgid, values) {
    var text = messages()[msgid];
    return fill(typeof text === "string" ? text : msgid, values);
  }
  function nt(singular, plural, n, values) {
    var forms = messages()[singular], text;
    if (forms && typeof forms === "object") {
      var category = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang()).select(n) : (n === 1 ? "one" : "other");
      text = forms[category] || forms.other;
    } else text = n === 1 ? singular : plural;
    return fill(text, Object.assign({ num: n }, values));
  }
  // A message with one placeholder replaced by a node (a link in a sentence).
  function withNode(text, name, node) {
    var parts = text.split("{" + name + "}"), frag = document.createDocumentFragment();
    frag.appendChild(document.createTextNode(parts[0]));
    if (parts.length > 1) {
      frag.appendChild(node);
      frag.appendChild(document.createTextNode(parts.slice(1).join("")));
    }
    return frag;
  }

  // Widgets start in the order their modules were bundled, once the DOM is there;
  // each one looks for its own elements and does nothing without them.
  function widget(name, init) { widgets.push({ name: name, init: init }); }
  // Clock-driven widgets (open now, banners' dates) refresh together once a minute.
  function everyMinute(fn) { ticks.push(fn); }
  function start() {
    function run() {
      widgets.forEach(function (w) { w.init(); });
      if (ticks.length) setInterval(function () { ticks.forEach(function (fn) { fn(); }); }, 60000);
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  return {
    debounce: debounce, el: el, decode: decode, snippetNodes: snippetNodes, store: store,
    browserId: browserId, postJson: postJson, now: now, widget: widget, everyMinute: everyMinute,
    start: start, t: t, nt: nt, lang: lang, withNode: withNode
  };
})();
