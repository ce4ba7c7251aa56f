/* "Was this helpful?" (form[data-kb-feedback]): hidden without JavaScript (it needs
   kbgen's API); one vote per page per browser, remembered in localStorage. */
(function (kb) {
  function Feedback(form) {
    var url = form.getAttribute("data-kb-url"), base = form.getAttribute("data-kb-base") || ".";
    var status = form.querySelector("[data-kb-feedback-status]");
    var question = form.querySelector(".kb-feedback__question");
    var reason = form.querySelector("[data-kb-reason]");
    var storage = kb.store(), key = "kb-voted:" + url;
    form.hidden = false;
    function thanks() {
      question.hidden = true;
      reason.hidden = true;
      status.textContent = "Thank you for your feedback.";
    }
    if (storage && storage.getItem(key)) { thanks(); return; }
    function send(helpful, text) {
      status.textContent = "Sending…";
      kb.postJson(base, "api/feedback", { url: url, helpful: helpful, reason: text || "" }).then(function () {
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

  kb.widget("feedback", function () {
    document.querySelectorAll("form[data-kb-feedback]").forEach(function (form) { new Feedback(form); });
  });
})(kb);
