/* kbgen widgets: dependency-free progressive enhancement. Everything works without
   this file (plain forms and links); with it, search answers as you type. */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- helpers */
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
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* ---------------------------------------------------------------- backends */
  // kbgen's API when the site is served by `kbgen serve`; otherwise Material's
  // prebuilt search_index.json, searched here, so a static-only host still works.
  function Backend(base) {
    this.base = new URL(base.replace(/\/?$/, "/"), location.href);
    this.mode = null; // "api" | "static"
    this.staticDocs = null;
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
    if (record) { headers["X-KB-Record"] = "1"; headers["X-KB-Browser"] = browserId(); }
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
        if (!response.ok) { var e = new Error(body.error || "bad request"); e.client = true; throw e; }
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
  Backend.prototype.loadStatic = function () {
    var self = this;
    if (!this.staticDocs) {
      this.staticDocs = fetch(new URL("search/search_index.json", this.base))
        .then(function (r) { if (!r.ok) throw new Error("no search index"); return r.json(); })
        .then(function (data) {
          var docs = data.docs || [], pageTitles = {};
          docs.forEach(function (d) {
            if (d.location.indexOf("#") === -1) pageTitles[d.location] = decode((d.title || "").replace(/<[^>]*>/g, ""));
          });
          return docs.map(function (d) {
            var text = (d.text || "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
            var title = decode((d.title || "").replace(/<[^>]*>/g, ""));
            var page = pageTitles[d.location.split("#")[0]] || title;
            return { location: d.location, title: page, text: decode(text),
                     ltitle: (page + " " + title).toLowerCase(), ltext: decode(text).toLowerCase() };
          });
        });
    }
    return this.staticDocs;
  };
  Backend.prototype.staticSearch = function (params) {
    var base = this.base;
    var limit = Number(params.limit) || 10, page = Number(params.page) || 1;
    return this.loadStatic().then(function (docs) {
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
          snippet: staticSnippet(r.doc.text, words)
        };
      });
      return { query: params.q, total: ranked.length, suggestion: null, hits: hits };
    });
  };
  function staticSnippet(text, words) {
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

  var backends = {};
  function backendFor(node) {
    var base = node.getAttribute("data-kb-base") || ".";
    var key = new URL(base.replace(/\/?$/, "/"), location.href).href;
    return backends[key] || (backends[key] = new Backend(base));
  }
  function hitHref(backend, hit) {
    // API urls are absolute paths on the serving host; keep them as they are.
    return hit.url;
  }

  /* ----------------------------------------------------------- combobox */
  // ARIA 1.2 combobox with a listbox popup: answers appear as the shopper types.
  function Combobox(form) {
    this.form = form;
    this.input = form.querySelector("input[role=combobox]");
    this.list = form.querySelector("[role=listbox]");
    this.status = form.querySelector("[data-kb-status]");
    this.backend = backendFor(form);
    this.options = [];
    this.active = -1;
    this.seq = 0;
    var self = this;
    this.input.addEventListener("input", debounce(function () { self.update(); }, 150));
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.input.addEventListener("focus", function () { if (self.options.length) self.open(); });
  }
  Combobox.prototype.update = function () {
    var q = this.input.value.trim(), self = this, seq = ++this.seq;
    if (q.length < 2) { this.render([], null, q); return; }
    this.backend.search({ q: q, limit: 6 }).then(function (result) {
      if (seq === self.seq) self.render(result.hits, result.suggestion, q, result.total);
    }, function () {
      if (seq === self.seq) self.render([], null, q);
    });
  };
  Combobox.prototype.render = function (hits, suggestion, q, total) {
    var self = this;
    this.list.textContent = "";
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (suggestion && hits.length) {
      this.list.appendChild(el("li", { role: "presentation", class: "kb-suggestion kb-suggestion--note",
                                       text: "Showing answers for “" + suggestion + "”" }));
    }
    hits.forEach(function (hit, i) {
      var id = self.list.id + "-" + i;
      var meta = (hit.type === "faq" ? "Question" : "Article") + (hit.category ? " · " + hit.category : "");
      var link = el("a", { href: hitHref(self.backend, hit), tabindex: "-1", class: "kb-suggestion__link" }, [
        el("span", { class: "kb-suggestion__title", text: hit.title }),
        el("span", { class: "kb-suggestion__meta", text: meta })
      ]);
      var option = el("li", { id: id, role: "option", "aria-selected": "false", class: "kb-suggestion" }, [link]);
      option.addEventListener("mousedown", function (e) { e.preventDefault(); });
      option.addEventListener("click", function () { location.href = link.href; });
      self.list.appendChild(option);
      self.options.push(option);
    });
    if (q.length >= 2) {
      var all = el("li", { id: this.list.id + "-all", role: "option", "aria-selected": "false",
                           class: "kb-suggestion kb-suggestion--all" }, [
        el("span", { text: hits.length ? "See all results for “" + q + "”" :
                             "No quick answers. Search all pages for “" + q + "”" })
      ]);
      all.addEventListener("mousedown", function (e) { e.preventDefault(); });
      all.addEventListener("click", function () { self.form.submit(); });
      this.list.appendChild(all);
      this.options.push(all);
    }
    if (this.status) {
      this.status.textContent = q.length < 2 ? "" :
        (hits.length ? (suggestion ? "Showing answers for " + suggestion + ". " : "") + hits.length +
                       " suggested answers. Use the arrow keys to choose." : "No suggested answers.");
    }
    if (this.options.length && document.activeElement === this.input) this.open(); else this.close();
  };
  Combobox.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };
  Combobox.prototype.close = function () {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.select(-1);
  };
  Combobox.prototype.select = function (index) {
    if (this.active >= 0 && this.options[this.active]) {
      this.options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index >= 0 && this.options[index]) {
      this.options[index].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", this.options[index].id);
      this.options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };
  Combobox.prototype.key = function (e) {
    var n = this.options.length;
    if (e.key === "ArrowDown" && n) {
      e.preventDefault();
      this.open();
      this.select((this.active + 1) % n);
    } else if (e.key === "ArrowUp" && n) {
      e.preventDefault();
      this.open();
      this.select(this.active <= 0 ? n - 1 : this.active - 1);
    } else if (e.key === "Enter" && this.active >= 0 && !this.list.hidden) {
      e.preventDefault();
      this.options[this.active].click();
    } else if (e.key === "Escape") {
      if (!this.list.hidden) { e.preventDefault(); this.close(); }
      else if (this.input.value) { e.preventDefault(); this.input.value = ""; this.render([], null, ""); }
    }
  };

  /* ------------------------------------------------------- results page */
  function ResultsPage(form) {
    this.form = form;
    this.backend = backendFor(form);
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
    if (this.params.q) this.run();
    else this.status.textContent = "Type a question or a few words above.";
  }
  ResultsPage.prototype.link = function (changes) {
    var params = new URLSearchParams();
    var merged = Object.assign({}, this.params, changes);
    Object.keys(merged).forEach(function (k) { if (merged[k]) params.set(k, merged[k]); });
    return "?" + params.toString();
  };
  ResultsPage.prototype.run = function () {
    var self = this, p = this.params, limit = 10;
    this.status.textContent = "Searching…";
    this.backend.search({ q: p.q, category: p.category, type: p.type, audience: p.audience,
                          page: p.page, limit: limit }, true)
      .then(function (result) { self.show(result, limit); },
            function (error) { self.status.textContent = "Search is not available right now: " + error.message; });
  };
  ResultsPage.prototype.show = function (result, limit) {
    var self = this, page = Number(this.params.page) || 1;
    document.title = "Search: " + result.query + " - " + document.title.replace(/^Search(: .*?)? - /, "");
    this.list.textContent = "";
    this.status.textContent = result.total ?
      result.total + (result.total === 1 ? " result" : " results") + " for “" + result.query + "”" :
      "No results for “" + result.query + "”";
    if (result.suggestion) {
      this.didYouMean.textContent = "Did you mean ";
      this.didYouMean.appendChild(el("a", { href: this.link({ q: result.suggestion, page: "" }), text: result.suggestion }));
      this.didYouMean.appendChild(document.createTextNode("?"));
      this.didYouMean.hidden = false;
    }
    var box = document.querySelector("[data-kb-definition]");
    if (box && result.definition) {
      box.textContent = "";
      box.appendChild(el("p", { class: "kb-definition__term", text: result.definition.term }));
      box.appendChild(el("p", { text: result.definition.definition }));
      box.appendChild(el("a", { href: result.definition.url, text: "See it in the glossary" }));
      box.hidden = false;
    }
    result.hits.forEach(function (hit) {
      var meta = (hit.type === "faq" ? "Question" : "Article") + (hit.category ? " · " + hit.category : "");
      var snippet = el("p", { class: "kb-result__snippet" });
      snippet.appendChild(snippetNodes(hit.snippet));
      var link = el("a", { class: "kb-result__title", href: hitHref(self.backend, hit), text: hit.title });
      var searchId = self.backend.searchId;
      if (searchId) {
        link.addEventListener("click", function () {
          var path = new URL(link.href, location.href);
          postJson(self.form.getAttribute("data-kb-base") || ".", "api/opened",
                   { search_id: searchId, url: path.pathname + path.hash }).catch(function () {});
        });
      }
      self.list.appendChild(el("li", { class: "kb-result" }, [
        link,
        el("p", { class: "kb-result__meta", text: meta }),
        snippet
      ]));
    });
    this.empty.hidden = result.total > 0;
    var pages = Math.ceil(result.total / limit);
    this.pager.textContent = "";
    if (pages > 1) {
      if (page > 1) this.pager.appendChild(el("a", { href: this.link({ page: String(page - 1) }), rel: "prev", text: "Previous" }));
      this.pager.appendChild(el("span", { text: "Page " + page + " of " + pages }));
      if (page < pages) this.pager.appendChild(el("a", { href: this.link({ page: String(page + 1) }), rel: "next", text: "Next" }));
      this.pager.hidden = false;
    }
  };


  /* ------------------------------------------------------------ contact */
  // Business hours are wall-clock times in the channel's time zone; Intl tells
  // us the wall clock there now, whatever the shopper's own zone.
  var DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
  var WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
  function wallClock(zone, now) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23"
    }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return {
      date: Date.UTC(+parts.year, +parts.month - 1, +parts.day), // midnight of the local date
      weekday: WEEKDAYS[parts.weekday],
      minutes: (+parts.hour % 24) * 60 + (+parts.minute)
    };
  }
  function isoDay(utcMidnight) { return new Date(utcMidnight).toISOString().slice(0, 10); }
  function channelState(schedule, now) {
    var local = wallClock(schedule.zone, now), day = 86400000;
    for (var back = 0; back <= 1; back++) { // today, and last night's hours past midnight
      if (schedule.closed.indexOf(isoDay(local.date - back * day)) !== -1) continue;
      var ranges = schedule.week[(local.weekday - back + 7) % 7];
      for (var i = 0; i < ranges.length; i++) {
        var m = local.minutes + back * 1440;
        if (ranges[i][0] <= m && m < ranges[i][1]) return { open: true };
      }
    }
    for (var ahead = 0; ahead < 15; ahead++) {
      var date = local.date + ahead * day;
      if (schedule.closed.indexOf(isoDay(date)) !== -1) continue;
      var weekday = (local.weekday + ahead) % 7;
      var starts = schedule.week[weekday].map(function (r) { return r[0]; }).sort(function (a, b) { return a - b; });
      for (var j = 0; j < starts.length; j++) {
        if (ahead === 0 && starts[j] <= local.minutes) continue;
        var hh = ("0" + Math.floor(starts[j] / 60)).slice(-2), mm = ("0" + (starts[j] % 60)).slice(-2);
        var when = ahead === 0 ? "today" : ahead === 1 ? "tomorrow" : DAY_NAMES[weekday];
        return { open: false, opens: when + " " + hh + ":" + mm };
      }
    }
    return { open: false, opens: null };
  }
  function now() { return new Date(); }
  function describeState(state) {
    return state.open ? "Open now" : state.opens ? "Closed · opens " + state.opens : "Closed";
  }
  function updateChannels() {
    document.querySelectorAll("[data-kb-channel]").forEach(function (card) {
      var status = card.querySelector("[data-kb-channel-status]");
      var raw = card.getAttribute("data-kb-schedule");
      if (!status || !raw) return;
      var state = channelState(JSON.parse(raw), now());
      status.textContent = describeState(state);
      status.classList.toggle("kb-is-open", state.open);
      status.classList.toggle("kb-is-closed", !state.open);
    });
    var line = document.querySelector("[data-kb-status-line]");
    var data = line && line.querySelector("[data-kb-status-channels]");
    if (!data) return;
    var channels = JSON.parse(data.textContent);
    var ordered = channels.slice().sort(function (a, b) {
      return (a.escalation || 99) - (b.escalation || 99);
    });
    var open = ordered.filter(function (c) { return c.schedule && channelState(c.schedule, now()).open; })[0] ||
               ordered.filter(function (c) { return c.always_open; })[0];
    var text = line.querySelector("[data-kb-status-text]");
    if (open) {
      text.textContent = open.label + (open.always_open ? " any time" : " open now") +
        (open.promise ? " · " + open.promise : "");
    } else if (ordered[0] && ordered[0].schedule) {
      var state = channelState(ordered[0].schedule, now());
      text.textContent = ordered[0].label + " closed now" + (state.opens ? " · opens " + state.opens : "");
    }
  }
  // A live-chat provider's script is loaded only when the shopper asks for chat.
  function chatButtons() {
    document.querySelectorAll("[data-kb-chat-script]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (document.querySelector("script[data-kb-chat-loaded]")) return;
        var script = document.createElement("script");
        script.src = button.getAttribute("data-kb-chat-script");
        script.async = true;
        script.setAttribute("data-kb-chat-loaded", "");
        document.head.appendChild(script);
        button.textContent = "Starting chat…";
        button.disabled = true;
      });
    });
  }

  /* -------------------------------------------------------------- flows */
  // One step at a time; answers lead on, Back returns, focus follows the step.
  function Flow(root) {
    this.root = root;
    this.nodes = {};
    this.history = [];
    this.live = root.querySelector("[data-kb-flow-live]");
    var self = this;
    root.querySelectorAll("[data-kb-node]").forEach(function (node) {
      self.nodes[node.getAttribute("data-kb-node")] = node;
    });
    root.classList.add("kb-flow--js");
    root.querySelectorAll("[data-kb-next]").forEach(function (answer) {
      answer.setAttribute("role", "button");
      answer.addEventListener("click", function (e) {
        e.preventDefault();
        self.go(answer.getAttribute("data-kb-next"), true);
      });
      answer.addEventListener("keydown", function (e) {
        if (e.key === " ") { e.preventDefault(); answer.click(); }
      });
    });
    var nav = el("div", { class: "kb-flow__nav" });
    this.back = el("button", { type: "button", class: "kb-flow__back", text: "Back" });
    this.restart = el("button", { type: "button", class: "kb-flow__restart", text: "Start over" });
    this.back.addEventListener("click", function () { self.history.pop(); self.go(self.history.pop(), true); });
    this.restart.addEventListener("click", function () { self.history = []; self.go(root.getAttribute("data-kb-flow-start"), true); });
    nav.appendChild(this.back);
    nav.appendChild(this.restart);
    root.appendChild(nav);
    this.go(root.getAttribute("data-kb-flow-start"), false);
  }
  Flow.prototype.go = function (id, focus) {
    var target = this.nodes[id];
    if (!target) return;
    this.history.push(id);
    Object.keys(this.nodes).forEach(function (k) { this.nodes[k].hidden = this.nodes[k] !== target; }, this);
    this.back.hidden = this.history.length < 2;
    this.restart.hidden = this.history.length < 2;
    var heading = target.querySelector("h3");
    if (this.live) this.live.textContent = heading ? heading.textContent : "";
    if (focus && heading) heading.focus();
  };

  /* ----------------------------------------------------------- feedback */
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
  function postJson(base, path, body) {
    return fetch(new URL(path, new URL(base.replace(/\/?$/, "/"), location.href)), {
      method: "POST", keepalive: true,
      headers: { "Content-Type": "application/json", "X-KB-Browser": browserId() },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { var error = new Error("HTTP " + r.status); error.status = r.status; throw error; }
      return r;
    });
  }
  function Feedback(form) {
    var url = form.getAttribute("data-kb-url"), base = form.getAttribute("data-kb-base") || ".";
    var status = form.querySelector("[data-kb-feedback-status]");
    var question = form.querySelector(".kb-feedback__question");
    var reason = form.querySelector("[data-kb-reason]");
    var storage = store(), key = "kb-voted:" + url;
    form.hidden = false;
    function thanks() {
      question.hidden = true;
      reason.hidden = true;
      status.textContent = "Thank you for your feedback.";
    }
    if (storage && storage.getItem(key)) { thanks(); return; }
    function send(helpful, text) {
      status.textContent = "Sending…";
      postJson(base, "api/feedback", { url: url, helpful: helpful, reason: text || "" }).then(function () {
        if (storage) storage.setItem(key, helpful ? "yes" : "no");
        thanks();
      }, function (error) {
        // 503: the database is down or busy for a moment; 429: too many at once
        status.textContent = error.status === 503 || error.status === 429 ?
          "We can't save feedback for a moment. Please try again in a minute; thank you for your patience." :
          "Sorry, your feedback could not be sent right now.";
      });
    }
    form.querySelector("[data-kb-vote=yes]").addEventListener("click", function () { send(true); });
    form.querySelector("[data-kb-vote=no]").addEventListener("click", function () {
      question.hidden = true;
      reason.hidden = false;
      status.textContent = "";
      reason.querySelector("textarea").focus();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send(false, reason.querySelector("textarea").value);
    });
  }

  /* ------------------------------------------------------------ notices */
  // A banner shows between its start and end (checked here, so an ended notice
  // disappears without a rebuild) unless dismissed since its latest update.
  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function updateBanners() {
    var t = now().getTime(), storage = store();
    document.querySelectorAll("[data-kb-notice]").forEach(function (banner) {
      var start = Date.parse(banner.getAttribute("data-kb-start"));
      var end = banner.hasAttribute("data-kb-end") ? Date.parse(banner.getAttribute("data-kb-end")) : Infinity;
      var key = "kb-dismissed:" + banner.getAttribute("data-kb-notice");
      var dismissed = storage && storage.getItem(key) === banner.getAttribute("data-kb-version");
      banner.hidden = t < start || t >= end || !!dismissed;
    });
  }
  function bannerButtons() {
    var storage = store();
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

  /* ----------------------------------------------------------- FAQ links */
  // /category/#entry opens (and scrolls to) that entry of the accordion.
  function openFaqFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var item = document.getElementById(id);
    if (!item || !item.matches("details[data-kb-faq]")) return;
    document.querySelectorAll(".kb-is-target").forEach(function (n) { n.classList.remove("kb-is-target"); });
    item.open = true;
    item.classList.add("kb-is-target");
    item.scrollIntoView({ block: "start" });
  }

  function init() {
    document.querySelectorAll("form[data-kb-search]").forEach(function (form) { new Combobox(form); });
    var results = document.querySelector("form[data-kb-results]");
    if (results) new ResultsPage(results);
    openFaqFromHash();
    updateChannels();
    bannerButtons();
    updateBanners();
    document.querySelectorAll("form[data-kb-feedback]").forEach(function (form) { new Feedback(form); });
    setInterval(function () { updateChannels(); updateBanners(); }, 60000);
    chatButtons();
    document.querySelectorAll("[data-kb-flow]").forEach(function (root) { new Flow(root); });
    // Escape hides an open glossary tooltip (WCAG 1.4.13), until focus moves on.
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") return;
      var term = document.activeElement && document.activeElement.closest && document.activeElement.closest(".kb-term");
      if (term) term.classList.add("kb-tip-dismissed");
    });
    document.addEventListener("focusout", function (e) {
      var term = e.target.closest && e.target.closest(".kb-term");
      if (term) term.classList.remove("kb-tip-dismissed");
    });
    // "/" focuses the search box, as on most help centers
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
      var box = document.querySelector(".kb-hero input[role=combobox]") ||
                document.querySelector("input[role=combobox]");
      if (box) { e.preventDefault(); box.focus(); }
    });
  }

  window.addEventListener("hashchange", openFaqFromHash);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
