/* The lobby kiosk: back to the start screen after an idle time, and recovery from a
   network drop (a banner, then the failed request again once the server answers).
   Retrying is safe: a ticket request carries its request id, so the server answers a
   repeat with the same ticket instead of a second one. */
(function () {
  "use strict";

  var REQUEST_TIMEOUT_MS = 8000;   // a hung request counts as a drop
  var RETRY_MIN_MS = 1000;
  var RETRY_MAX_MS = 5000;
  var WARN_SECONDS = 10;           // WCAG 2.2.1: counted down on screen, with "More time"
  var idleTimer = null;
  var tickTimer = null;
  var beforeWarning = null;        // the element that had the focus when the warning came
  var retryTimer = null;
  var retryDelay = RETRY_MIN_MS;
  var failed = null;               // {verb, path, values, target} of the request to repeat

  htmx.config.timeout = REQUEST_TIMEOUT_MS;
  // Kiosk screens for 4xx (closed, limited, invalid) are meant to be shown; 5xx is a fault.
  htmx.config.responseHandling = [
    {code: "204", swap: false},
    {code: "[234]..", swap: true},
    {code: "5..", swap: false, error: true}
  ];

  function screen() { return document.getElementById("kiosk"); }

  function banner(show) {
    var s = screen();
    var b = s && s.querySelector(".kiosk-offline");
    if (b) { b.hidden = !show; }
  }

  function goHome() {
    var s = screen();
    if (!s || failed) { return; }
    htmx.ajax("GET", s.dataset.homeUrl, {target: "#kiosk", swap: "outerHTML"});
  }

  function warning() {
    var s = screen();
    return s ? s.querySelector(".kiosk-timeout") : null;
  }

  function hideWarning(restoreFocus) {
    clearInterval(tickTimer);
    var box = warning();
    if (box && !box.hidden) {
      box.hidden = true;
      if (restoreFocus && beforeWarning && document.body.contains(beforeWarning)) {
        beforeWarning.focus();
      }
    }
    beforeWarning = null;
  }

  function showLeft(box, left) {
    var text = box.querySelector("#kiosk-timeout-text");
    text.textContent = text.dataset.text.replace("{n}", String(left));
  }

  function countDown(left) {
    var box = warning();
    if (!box) { idleTimer = setTimeout(goHome, left * 1000); return; }
    beforeWarning = document.activeElement;
    showLeft(box, left);
    box.hidden = false;
    box.querySelector(".kiosk-more").focus();
    tickTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) { clearInterval(tickTimer); goHome(); return; }
      showLeft(box, left);
    }, 1000);
  }

  function armIdle(restoreFocus) {
    clearTimeout(idleTimer);
    hideWarning(restoreFocus === true);
    var s = screen();
    var seconds = s ? Number(s.dataset.idleSeconds || 0) : 0;
    if (seconds > 0) {
      var left = Math.max(1, Math.min(WARN_SECONDS, Math.floor(seconds / 2)));
      idleTimer = setTimeout(function () { countDown(left); }, (seconds - left) * 1000);
    }
  }

  // A new screen tells a screen reader what happened: its title becomes the page's, focus
  // moves to its heading, and its data-announce goes to #kiosk-announce, a live region that
  // stays in the page (one that arrives already filled is not read out).
  function announce(s, first) {
    if (s.dataset.title) { document.title = s.dataset.title; }
    if (first) { return; }
    var heading = s.querySelector("[data-focus]");
    if (heading) { heading.focus(); }
    var said = s.querySelector("[data-announce]");
    var region = document.getElementById("kiosk-announce");
    if (region) {
      region.textContent = "";
      if (said) {
        setTimeout(function () { region.textContent = said.dataset.announce; }, 100);
      }
    }
  }

  function onSwapped(evt) {
    var s = screen();
    if (s && s.lang) { document.documentElement.lang = s.lang; }
    if (s && (!evt || evt.target === s)) { announce(s, !evt); }
    armIdle();
  }

  function values(formData) {
    var out = {};
    if (formData) { formData.forEach(function (value, key) { out[key] = value; }); }
    return out;
  }

  function onFailure(evt) {
    var cfg = evt.detail.requestConfig;
    if (!cfg || failed) { banner(true); return; }
    var target = evt.detail.target;
    failed = {verb: cfg.verb, path: cfg.path, values: values(cfg.formData),
              target: target && target.id ? "#" + target.id : "#kiosk"};
    banner(true);
    retryDelay = RETRY_MIN_MS;
    scheduleRetry();
  }

  function scheduleRetry() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function retry() {
    var s = screen();
    var ping = s ? s.dataset.pingUrl : null;
    if (!ping || !failed) { return; }
    fetch(ping, {cache: "no-store"}).then(function (response) {
      if (!response.ok) { throw new Error("server " + response.status); }
      var again = failed;
      failed = null;
      var target = document.querySelector(again.target) ? again.target : "#kiosk";
      return htmx.ajax(again.verb, again.path,
                       {target: target, swap: "outerHTML", values: again.values});
    }).then(function () {
      banner(false);
    }, function () {
      banner(true);
      if (failed) { scheduleRetry(); }
    });
  }

  // A touch or a key anywhere restarts the idle time; on the warning itself only "More time"
  // does, after its click, so that focus moves back only once the key has done its work.
  function onTouch(evt) {
    if (evt.target.closest && evt.target.closest(".kiosk-timeout")) { return; }
    armIdle(false);
  }
  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest(".kiosk-more")) { armIdle(true); }
  });
  document.addEventListener("pointerdown", onTouch, true);
  document.addEventListener("keydown", onTouch, true);
  document.body.addEventListener("htmx:afterSettle", onSwapped);
  document.body.addEventListener("htmx:sendError", onFailure);
  document.body.addEventListener("htmx:timeout", onFailure);
  document.body.addEventListener("htmx:responseError", function (evt) {
    if (evt.detail.xhr && evt.detail.xhr.status >= 500) { onFailure(evt); }
  });
  window.addEventListener("online", function () { if (failed) { retryDelay = RETRY_MIN_MS; retry(); } });
  onSwapped();
})();
