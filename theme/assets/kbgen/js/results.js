/* The results page (form[data-kb-results]): runs the query of the address, shows hits,
   "did you mean", a glossary definition and a pager, and records opened results. */
(function (kb) {
  var el = kb.el;

  function ResultsPage(form) {
    this.form = form;
    this.backend = kb.backendFor(form);
    this.list = document.querySelector("[data-kb-results-list]");
    this.status = document.querySelector("[data-kb-results-status]");
    this.didYouMean = document.querySelector("[data-kb-did-you-mean]");
    this.pager = document.querySelector("[data-kb-pager]");
    this.empty = document.querySelector("[data-kb-no-results]");
    var params = new URLSearchParams(location.search);
    this.params = {};
    var self = this;
    ["q", "category", "type", "audience", "page"].forEach(function (name) {
      var value = params.get(name) || "";
      self.params[name] = value;
      var field = form.elements[name];
      if (field) field.value = value;
    });
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
    if (this.list.hasAttribute("data-kb-server-results")) {  // kbgen serve drew the results already
      var searchId = this.list.getAttribute("data-kb-search-id");
      var searcher = this.list.getAttribute("data-kb-search-browser");
      this.list.querySelectorAll(".kb-result__title").forEach(function (link) {
        self.recordOpen(link, searchId, searcher);
      });
    } else if (this.params.q) this.run();
    else this.status.textContent = kb.t("Type a question or a few words above.");
  }
  // A result opened from this page is counted for the search that listed it.
  ResultsPage.prototype.recordOpen = function (link, searchId, searcher) {
    if (!searchId) return;
    var form = this.form;
    link.addEventListener("click", function () {
      var path = new URL(link.href, location.href);
      kb.postJson(form.getAttribute("data-kb-base") || ".", "api/opened",
                  { search_id: Number(searchId), url: path.pathname + path.hash }, searcher).catch(function () {});
    });
  };
  ResultsPage.prototype.link = function (changes) {
    var params = new URLSearchParams();
    var merged = Object.assign({}, this.params, changes);
    Object.keys(merged).forEach(function (k) { if (merged[k]) params.set(k, merged[k]); });
    return "?" + params.toString();
  };
  ResultsPage.prototype.run = function () {
    var self = this, p = this.params, limit = 10;
    this.status.textContent = kb.t("Searching…");
    this.backend.search({ q: p.q, category: p.category, type: p.type, audience: p.audience,
                          page: p.page, limit: limit }, true)
      .then(function (result) { self.show(result, limit); },
            function (error) {
              self.status.textContent = error.status === 429 ?
                kb.t("Too many searches at once. Please try again in a minute.") :
                kb.t("Search is not available right now: {reason}", { reason: error.message });
            });
  };
  ResultsPage.prototype.show = function (result, limit) {
    var self = this, page = Number(this.params.page) || 1;
    var title = kb.t("Search"), escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    document.title = title + ": " + result.query + " - " + document.title.replace(new RegExp("^" + escaped + "(: .*?)? - "), "");
    this.list.textContent = "";
    this.status.textContent = result.total ?
      kb.nt("{num} result for “{query}”", "{num} results for “{query}”", result.total, { query: result.query }) :
      kb.t("No results for “{query}”", { query: result.query });
    if (result.suggestion) {
      this.didYouMean.textContent = "";
      var suggestion = el("a", { href: this.link({ q: result.suggestion, page: "" }), text: result.suggestion });
      this.didYouMean.appendChild(kb.withNode(kb.t("Did you mean {suggestion}?"), "suggestion", suggestion));
      this.didYouMean.hidden = false;
    }
    var box = document.querySelector("[data-kb-definition]");
    if (box && result.definition) {
      box.textContent = "";
      box.appendChild(el("p", { class: "kb-definition__term", text: result.definition.term }));
      box.appendChild(el("p", { text: result.definition.definition }));
      box.appendChild(el("a", { href: result.definition.url, text: kb.t("See it in the glossary") }));
      box.hidden = false;
    }
    result.hits.forEach(function (hit) {
      var snippet = el("p", { class: "kb-result__snippet" });
      snippet.appendChild(kb.snippetNodes(hit.snippet));
      var link = el("a", { class: "kb-result__title", href: hit.url, text: hit.title });
      self.recordOpen(link, self.backend.searchId);
      self.list.appendChild(el("li", { class: "kb-result" }, [
        link,
        el("p", { class: "kb-result__meta", text: kb.hitMeta(hit) }),
        snippet
      ]));
    });
    this.empty.hidden = result.total > 0;
    var pages = Math.ceil(result.total / limit);
    this.pager.textContent = "";
    if (pages > 1) {
      if (page > 1) this.pager.appendChild(el("a", { href: this.link({ page: String(page - 1) }), rel: "prev", text: kb.t("Previous") }));
      this.pager.appendChild(el("span", { text: kb.t("Page {page} of {pages}", { page: page, pages: pages }) }));
      if (page < pages) this.pager.appendChild(el("a", { href: this.link({ page: String(page + 1) }), rel: "next", text: kb.t("Next") }));
      this.pager.hidden = false;
    }
  };

  kb.widget("results", function () {
    var form = document.querySelector("form[data-kb-results]");
    if (form) new ResultsPage(form);
  });
})(kb);
