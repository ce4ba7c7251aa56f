/* Contact status: "Open now" / "Closed · opens ..." on channel cards
   ([data-kb-channel]) and the status line ([data-kb-status-line]), refreshed every
   minute; and live chat, whose provider's script loads only when the shopper asks.
   Business hours are wall-clock times in the channel's time zone; Intl tells us the
   wall clock there now, whatever the shopper's own zone (kbgen/contact does the same
   computation on the server). */
(function (kb) {
  // Monday to Sunday in the page's language (1 January 2024 was a Monday)
  function dayName(weekday) {
    return new Intl.DateTimeFormat(kb.lang(), { weekday: "long", timeZone: "UTC" }).format(Date.UTC(2024, 0, 1 + weekday));
  }
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
        var time = hh + ":" + mm, day = dayName(weekday);
        var opens = ahead === 0 ? kb.t("opens today {time}", { time: time }) :
          ahead === 1 ? kb.t("opens tomorrow {time}", { time: time }) :
          kb.t("opens {day} {time}", { day: day, time: time });
        return { open: false, opens: opens };
      }
    }
    return { open: false, opens: null };
  }
  function describeState(state) {
    return state.open ? kb.t("Open now") : state.opens ? kb.t("Closed · {opens}", { opens: state.opens }) : kb.t("Closed");
  }
  function updateChannels() {
    document.querySelectorAll("[data-kb-channel]").forEach(function (card) {
      var status = card.querySelector("[data-kb-channel-status]");
      var raw = card.getAttribute("data-kb-schedule");
      if (!status || !raw) return;
      var state = channelState(JSON.parse(raw), kb.now());
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
    var open = ordered.filter(function (c) { return c.schedule && channelState(c.schedule, kb.now()).open; })[0] ||
               ordered.filter(function (c) { return c.always_open; })[0];
    var text = line.querySelector("[data-kb-status-text]");
    if (open) {
      text.textContent = (open.always_open ? kb.t("{channel} any time", { channel: open.label }) :
        kb.t("{channel} open now", { channel: open.label })) + (open.promise ? " · " + open.promise : "");
    } else if (ordered[0] && ordered[0].schedule) {
      var state = channelState(ordered[0].schedule, kb.now());
      text.textContent = kb.t("{channel} closed now", { channel: ordered[0].label }) + (state.opens ? " · " + state.opens : "");
    }
  }

  function chatButtons() {
    document.querySelectorAll("[data-kb-chat-script]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (document.querySelector("script[data-kb-chat-loaded]")) return;
        var script = document.createElement("script");
        script.src = button.getAttribute("data-kb-chat-script");
        script.async = true;
        script.setAttribute("data-kb-chat-loaded", "");
        document.head.appendChild(script);
        button.textContent = kb.t("Starting chat…");
        button.disabled = true;
      });
    });
  }

  kb.widget("contact", function () {
    if (!document.querySelector("[data-kb-channel], [data-kb-status-line], [data-kb-chat-script]")) return;
    updateChannels();
    kb.everyMinute(updateChannels);
    chatButtons();
  });
})(kb);
