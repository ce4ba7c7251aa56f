/* Flows ([data-kb-flow]): one step at a time; answers lead on, Back returns, focus
   follows the step. Without JavaScript every step shows, linked by anchors. */
(function (kb) {
  var el = kb.el;

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
    this.back = el("button", { type: "button", class: "kb-flow__back", text: kb.t("Back") });
    this.restart = el("button", { type: "button", class: "kb-flow__restart", text: kb.t("Start over") });
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
    var heading = target.querySelector(".kb-flow__question, .kb-flow__title");
    if (this.live) this.live.textContent = heading ? heading.textContent : "";
    if (focus && heading) heading.focus();
  };

  kb.widget("flows", function () {
    document.querySelectorAll("[data-kb-flow]").forEach(function (root) { new Flow(root); });
  });
})(kb);
