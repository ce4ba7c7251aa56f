/* What kbgen's scripts know about Material for MkDocs, and nothing else does: the
   static-search fallback over Material's prebuilt search/search_index.json, so a
   static-only host still answers. A second theme replaces this one file (and may
   leave kb.staticSearch undefined: search then needs `kbgen serve`). */
(function (kb) {
  var indexes = {}; // site base -> Promise of the documents

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function load(base) {
    if (!indexes[base.href]) {
      // where the theme module says the index is (data-kb-static-index on the search forms)
      var marked = document.querySelector("[data-kb-static-index]");
      var url = marked ? new URL(marked.getAttribute("data-kb-static-index"), location.href)
                       : new URL("search/search_index.json", base);
      indexes[base.href] = fetch(url)
        .then(function (r) { if (!r.ok) throw new Error("no search index"); return r.json(); })
        .then(function (data) {
          var docs = data.docs || [], pageTitles = {};
          docs.forEach(function (d) {
            if (d.location.indexOf("#") === -1) pageTitles[d.location] = kb.decode((d.title || "").replace(/<[^>]*>/g, ""));
          });
          return docs.map(function (d) {
            var text = (d.text || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
            var title = kb.decode((d.title || "").replace(/<[^>]*>/g, ""));
            var page = pageTitles[d.location.split("#")[0]] || title;
            return { location: d.location, title: page, text: kb.decode(text),
                     ltitle: (page + " " + title).toLowerCase(), ltext: kb.decode(text).toLowerCase() };
          });
        });
    }
    return indexes[base.href];
  }

  function snippet(text, words) {
    var lower = text.toLowerCase(), at = -1;
    words.forEach(function (w) { var i = lower.indexOf(w); if (i !== -1 && (at === -1 || i < at)) at = i; });
    var start = Math.max(0, at - 60), piece = text.slice(start, start + 200);
    var html = escapeHtml(piece);
    words.forEach(function (w) {
      html = html.replace(new RegExp("(" + w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")", "gi"),
                          "<mark>$1</mark>");
    });
    return (start ? "… " : "") + html + (start + 200 < text.length ? " …" : "");
  }

  // The same answer shape as kbgen's /api/search, ranked by title and text matches.
  kb.staticSearch = function (base, params) {
    var limit = Number(params.limit) || 10, page = Number(params.page) || 1;
    return load(base).then(function (docs) {
      var words = (params.q || "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) {
        return w.length > 1;
      });
      if (!words.length) return { query: params.q, total: 0, suggestion: null, hits: [] };
      var best = {};
      docs.forEach(function (d) {
        var score = 0, matched = 0;
        words.forEach(function (w) {
          var inTitle = d.ltitle.indexOf(w) !== -1, inText = d.ltext.indexOf(w) !== -1;
          if (inTitle || inText) matched++;
          score += (inTitle ? 10 : 0) + (inText ? 1 : 0);
        });
        if (!matched) return;
        score *= matched / words.length;
        var page = d.location.split("#")[0];
        if (!best[page] || best[page].score < score) best[page] = { doc: d, score: score };
      });
      var ranked = Object.keys(best).map(function (k) { return best[k]; })
        .sort(function (a, b) { return b.score - a.score; });
      var hits = ranked.slice((page - 1) * limit, page * limit).map(function (r) {
        return {
          url: new URL(r.doc.location, base).pathname + new URL(r.doc.location, base).hash,
          title: r.doc.title, type: "article", category: "", score: r.score,
          snippet: snippet(r.doc.text, words)
        };
      });
      return { query: params.q, total: ranked.length, suggestion: null, hits: hits };
    });
  };
})(kb);
