/* "Was this helpful?" (form[data-kb-feedback]): hidden without JavaScript (it needs
   kbgen's API). A click records the vote at once; for "No" the reason is an optional
   follow-up that amends the same vote (the API keeps one vote per page and browser);
   "Change my vote" asks again. The vote is remembered in localStorage, so nothing is
   requested on page load. On a static host without the service the vote has nowhere to
   go: the widget thanks the shopper and offers the contact e-mail instead of an error. */
(function (kb) {
  // The e-mail channel from the status line's data, if the page has one.
  function contactEmail() {
    var data = document.querySelector("[data-kb-status-channels]");
    try {
      var channels = data ? JSON.parse(data.textContent) : [];
      for (var i = 0; i < channels.length; i++) {
        if (channels[i].type === "email" && channels[i].address) return channels[i].address;
      }
    } catch (e) { /* no channels: no e-mail offered */ }
    return "";
  }
  // 404/405/501 or no answer at all: this host serves files only.
  function noService(error) { return !error.status || error.status === 404 || error.status === 405 || error.status === 501; }

  function Feedback(form) {
    var url = form.getAttribute("data-kb-url"), base = form.getAttribute("data-kb-base") || ".";
    var status = form.querySelector("[data-kb-feedback-status]");
    var question = form.querySelector(".kb-feedback__question");
    var reason = form.querySelector("[data-kb-reason]");
    var textarea = reason.querySelector("textarea");
    var change = form.querySelector("[data-kb-change]");
    var storage = kb.store(), key = "kb-voted:" + url;
    form.hidden = false;

    function show(state) {  // "ask", "reason" (after a No) or "done"
      question.hidden = state !== "ask";
      reason.hidden = state !== "reason";
      if (change) change.hidden = state === "ask";
    }
    function failed(error) {
      if (noService(error)) {
        show("done");
        if (change) change.hidden = true;
        var email = contactEmail();
        status.textContent = kb.t("Thank you.") + " ";
        if (email) {
          var link = kb.el("a", { href: "mailto:" + email + "?subject=" +
            encodeURIComponent(kb.t("Feedback on {page}", { page: location.pathname })), text: email });
          status.appendChild(kb.withNode(kb.t("To tell us more, email {email}."), "email", link));
        }
        return;
      }
      // 503: the database is down or busy for a moment; 429: too many at once
      show("ask");
      if (change) change.hidden = true;
      status.textContent = error.status === 503 || error.status === 429 ?
        kb.t("We can't save feedback for a moment. Please try again in a minute; thank you for your patience.") :
        kb.t("Sorry, your feedback could not be sent right now.");
    }
    var pending = null;  // the vote being saved: a reason is sent after it, never overtaken by it
    function send(helpful, text) {
      var after = pending ? pending.then(null, function () {}) : null;
      function post() {
        return kb.postJson(base, "api/feedback", { url: url, helpful: helpful, reason: text || "" }).then(function () {
          if (storage) storage.setItem(key, helpful ? "yes" : "no");
        });
      }
      pending = after ? after.then(post) : post();
      return pending;
    }
    function vote(helpful) {
      if (!helpful) {  // the reason box opens at once; the vote is saved meanwhile
        show("reason");
        textarea.focus();
      }
      status.textContent = kb.t("Sending…");
      send(helpful).then(function () {
        if (helpful) show("done");
        status.textContent = helpful ? kb.t("Thank you for your feedback.") :
          kb.t("Your vote is saved. Tell us what was missing, if you like.");
      }, failed);
    }
    form.querySelector("[data-kb-vote=yes]").addEventListener("click", function () { vote(true); });
    form.querySelector("[data-kb-vote=no]").addEventListener("click", function () { vote(false); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!textarea.value.trim()) { show("done"); status.textContent = kb.t("Thank you for your feedback."); return; }
      status.textContent = kb.t("Sending…");
      send(false, textarea.value).then(function () {
        show("done");
        status.textContent = kb.t("Thank you, we will use this to improve the page.");
      }, failed);
    });
    if (change) {
      change.addEventListener("click", function () {
        show("ask");
        status.textContent = "";
        question.querySelector("button").focus();
      });
    }
    if (storage && storage.getItem(key)) {
      show("done");
      status.textContent = storage.getItem(key) === "yes" ? kb.t("You found this helpful. Thank you.") :
        kb.t("You told us this did not help. Thank you.");
    } else {
      show("ask");
    }
  }

  kb.widget("feedback", function () {
    document.querySelectorAll("form[data-kb-feedback]").forEach(function (form) { new Feedback(form); });
  });
})(kb);
