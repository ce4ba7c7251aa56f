/* The search box (form[data-kb-search]): an ARIA 1.2 combobox with a listbox popup,
   answers appear as the shopper types. "/" focuses it, as on most help centers. */
(function (kb) {
  var el = kb.el;

  function Combobox(form) {
    this.form = form;
    this.input = form.querySelector("input[role=combobox]");
    this.list = form.querySelector("[role=listbox]");
    this.status = form.querySelector("[data-kb-status]");
    this.backend = kb.backendFor(form);
    this.options = [];
    this.active = -1;
    this.seq = 0;
    var self = this;
    this.input.addEventListener("input", kb.debounce(function () { self.update(); }, 150));
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
                                       text: kb.t("Showing answers for “{suggestion}”", { suggestion: suggestion }) }));
    }
    hits.forEach(function (hit, i) {
      var id = self.list.id + "-" + i;
      var link = el("a", { href: hit.url, tabindex: "-1", class: "kb-suggestion__link" }, [
        el("span", { class: "kb-suggestion__title", text: hit.title }),
        el("span", { class: "kb-suggestion__meta", text: kb.hitMeta(hit) })
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
        el("span", { text: hits.length ? kb.t("See all results for “{query}”", { query: q }) :
                             kb.t("No quick answers. Search all pages for “{query}”", { query: q }) })
      ]);
      all.addEventListener("mousedown", function (e) { e.preventDefault(); });
      all.addEventListener("click", function () { self.form.submit(); });
      this.list.appendChild(all);
      this.options.push(all);
    }
    if (this.status) {
      this.status.textContent = q.length < 2 ? "" :
        (hits.length ? (suggestion ? kb.t("Showing answers for {suggestion}.", { suggestion: suggestion }) + " " : "") +
                       kb.nt("{num} suggested answer. Use the arrow keys to choose.",
                             "{num} suggested answers. Use the arrow keys to choose.", hits.length) :
                       kb.t("No suggested answers."));
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

  // "/" focuses the search box, as on most help centers
  function slashFocuses(e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    var box = document.querySelector(".kb-hero input[role=combobox]") ||
              document.querySelector("input[role=combobox]");
    if (box) { e.preventDefault(); box.focus(); }
  }

  // Phones: Material's magnifier toggles #__search (and Material locks scrolling while it is
  // on); kb.css shows the header form full screen then. Focus it when it opens; Escape and
  // the Close label turn the toggle off, and the change event lets Material unlock the page.
  function fullScreenSearch(box) {
    var toggle = document.getElementById("__search");
    var input = box.querySelector("input[role=combobox]");
    if (!toggle || !input) return;
    function close() {
      if (!toggle.checked) return;
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
    toggle.addEventListener("change", function () {
      if (toggle.checked && getComputedStyle(box).position === "fixed") input.focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.checked && !e.defaultPrevented) { e.preventDefault(); close(); }
    });
  }

  kb.widget("search-box", function () {
    document.querySelectorAll("form[data-kb-search]").forEach(function (form) { new Combobox(form); });
    document.addEventListener("keydown", slashFocuses);
    var box = document.querySelector("[data-kb-header-search]");
    if (box) fullScreenSearch(box);
  });
})(kb);
