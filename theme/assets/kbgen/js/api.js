/* kbgen's search API, shared by the search box and the results page. When the site is
   not served by `kbgen serve` (a static-only host), searches go to kb.staticSearch,
   which the theme's module provides (material.js reads Material's search index). */
(function (kb) {
  function Backend(base) {
    this.base = new URL(base.replace(/\/?$/, "/"), location.href);
    this.mode = null; // "api" | "static"
  }
  Backend.prototype.url = function (path, params) {
    var url = new URL(path, this.base);
    Object.keys(params).forEach(function (k) { if (params[k]) url.searchParams.set(k, params[k]); });
    return url;
  };
  Backend.prototype.api = function (path, params, record) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 4000);
    var headers = { Accept: "application/json" };
    if (record) { headers["X-KB-Record"] = "1"; headers["X-KB-Browser"] = kb.browserId(); }
    var self = this;
    return fetch(this.url(path, params), {
      headers: headers,
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      self.searchId = Number(response.headers.get("X-KB-Search-Id")) || null;
      clearTimeout(timer);
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) throw new Error("no API");
      if (response.status >= 500 || response.status === 404) throw new Error("API unavailable");
      return response.json().then(function (body) {
        if (!response.ok) {
          var e = new Error(body.error || "bad request");  // the API's own words, for developers
          e.client = true; e.status = response.status; throw e;
        }
        return body;
      });
    });
  };
  Backend.prototype.search = function (params, record) {
    var self = this;
    if (this.mode === "static") return this.staticSearch(params);
    return this.api("api/search", params, record).then(function (body) {
      self.mode = "api";
      return body;
    }, function (error) {
      if (error.client) throw error;
      self.mode = "static";
      return self.staticSearch(params);
    });
  };
  Backend.prototype.staticSearch = function (params) {
    if (!kb.staticSearch) return Promise.reject(new Error("no search index"));
    return kb.staticSearch(this.base, params);
  };

  var backends = {};
  // One backend per site base (data-kb-base on the form), so the search box and the
  // results page share what they learnt (API or static).
  kb.backendFor = function (node) {
    var base = node.getAttribute("data-kb-base") || ".";
    var key = new URL(base.replace(/\/?$/, "/"), location.href).href;
    return backends[key] || (backends[key] = new Backend(base));
  };
  // "Question · Returns", "Recall", "Notice", "Guided help": a notice's or flow's category
  // (Service notices, Product recalls, Guided help) is its label already.
  kb.hitMeta = function (hit) {
    if (hit.type === "notice") return hit.category === "Product recalls" ? kb.t("Recall") : kb.t("Notice");
    if (hit.type === "flow") return kb.t("Guided help");
    return (hit.type === "faq" ? kb.t("Question") : kb.t("Article")) + (hit.category ? " · " + hit.category : "");
  };
})(kb);
