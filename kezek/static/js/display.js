// The waiting-room display: it must run for weeks without a reload.
//
// * The board arrives by SSE (htmx SSE extension, sse-swap="board") and replaces itself, so
//   the DOM never grows. While the stream is down the board is polled; when the stream
//   errs or is silent too long, it is reopened (also after a server restart) after a
//   randomized, bounded exponential back-off, so a thousand displays dropped at once by a
//   restart do not come back in the same second (issue 20: the reconnect storm).
// * Calls arrive as "announce" events and are played one after another — chime, Kazakh,
//   Russian — never cutting each other off (FQM #138). A bounded queue; a bounded log.
// * Browsers block sound until a person touches the page: a one-time "enable sound" button
//   appears when that is so (a kiosk uses --autoplay-policy=no-user-gesture-required).
(function () {
  "use strict";

  var MAX_PENDING = 8;       // older announcements are dropped: by then they are stale
  var MAX_LOG = 20;          // <li> kept in #announcements
  var FLASH_MS = 8000;       // how long a new call flashes
  var CLIP_LIMIT_MS = 15000; // a clip that neither ends nor fails cannot block the queue
  var POLL_MS = 4000;        // fallback polling while the stream is down (± a quarter)
  var RETRY_BASE_MS = 1000;  // reconnect n waits a random time in [base / 2, spread · 2^n],
  var RETRY_SPREAD_MS = 5000; // so the first one after a restart is spread over 5 s: the
  var RETRY_CAP_MS = 30000;  // server takes 200 a second, not 1,000 at once; at most the cap

  var root = document.getElementById("display");
  if (!root) { return; }
  var cfg = {
    pollUrl: root.dataset.pollUrl,
    silenceUrl: root.dataset.silenceUrl,
    zone: root.dataset.zone,
    heartbeatMs: Number(root.dataset.heartbeatMs) || 15000
  };

  var player = new Audio();
  player.preload = "auto";
  var pending = [];
  var playing = false;
  var started = 0;
  var flashes = new Map();
  var source = null;        // the EventSource the SSE extension opened
  var connected = false;
  var lastMessage = Date.now();
  var attempt = 0;          // reconnects since the stream was last open
  var reopenTimer = null;
  var pollTimer = null;
  var skew = 0;             // server clock − browser clock, from the board's <time data-epoch>
  var clockFormat = new Intl.DateTimeFormat("ru-RU", {
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: cfg.zone
  });

  function byId(id) { return document.getElementById(id); }

  // --- sound -----------------------------------------------------------------------------

  function logItem(a) {
    var log = byId("announcements");
    var li = document.createElement("li");
    li.dataset.code = a.code;
    li.dataset.point = a.point;
    li.dataset.kind = a.kind;
    li.dataset.state = "queued";
    li.dataset.clips = "";
    log.appendChild(li);
    while (log.children.length > MAX_LOG) { log.removeChild(log.firstElementChild); }
    return li;
  }

  // History ids of the calls already announced: after a reconnect the server sends the
  // calls this page missed, and a call heard twice (a catch-up) is said once.
  var said = [];
  var lastId = "";           // the last history id the stream sent
  var MAX_SAID = 200;

  function enqueue(a) {
    if (a.id) {
      if (said.indexOf(a.id) !== -1) { return; }
      said.push(a.id);
      if (said.length > MAX_SAID) { said.shift(); }
    }
    pending.push({ a: a, li: logItem(a) });
    while (pending.length > MAX_PENDING) { pending.shift().li.dataset.state = "dropped"; }
    flashes.set(a.key, Date.now() + FLASH_MS);
    applyFlashes();
    pump();
  }

  function play(url) {
    return new Promise(function (resolve) {
      var done = false;
      var timer = setTimeout(function () { finish("failed"); }, CLIP_LIMIT_MS);
      function finish(result) {
        if (done) { return; }
        done = true;
        clearTimeout(timer);
        player.onended = null;
        player.onerror = null;
        resolve(result);
      }
      player.onended = function () { finish("ended"); };
      player.onerror = function () { finish("failed"); };
      player.src = url;
      var attempt = player.play();
      if (attempt && attempt.catch) {
        attempt.catch(function (err) {
          finish(err && err.name === "NotAllowedError" ? "blocked" : "failed");
        });
      }
    });
  }

  function pump() {
    if (playing || pending.length === 0) { return; }
    var item = pending.shift();
    playing = true;
    started += 1;
    item.li.dataset.state = "playing";
    item.li.dataset.seq = String(started);
    var clips = item.a.clips.slice();
    var heard = [];
    (function next() {
      var clip = clips.shift();
      if (!clip) {
        item.li.dataset.state = "played";
        playing = false;
        pump();
        return;
      }
      play(clip.url).then(function (result) {
        if (result === "blocked") {
          item.li.dataset.state = "silent";
          showEnableSound();
          playing = false;
          pump();
          return;
        }
        heard.push(result === "ended" ? clip.name : clip.name + "!");
        item.li.dataset.clips = heard.join(" ");
        next();
      });
    })();
  }

  function showEnableSound() {
    var button = byId("enable-sound");
    if (button) { button.hidden = false; }
  }

  function probeSound() {
    // One tenth of a second of silence: does this browser let the page play sound by itself?
    var probe = new Audio(cfg.silenceUrl);
    var result = probe.play();
    if (result && result.catch) {
      result.catch(function (err) { if (err && err.name === "NotAllowedError") { showEnableSound(); } });
    }
  }

  var enable = byId("enable-sound");
  if (enable) {
    enable.addEventListener("click", function () {
      // The tap itself unlocks sound for the page; play silence within it to be sure.
      var probe = new Audio(cfg.silenceUrl);
      var result = probe.play();
      var hide = function () { enable.hidden = true; };
      if (result && result.then) { result.then(hide, function () {}); } else { hide(); }
    });
  }

  // --- the board ---------------------------------------------------------------------------

  function applyFlashes() {
    var now = Date.now();
    flashes.forEach(function (until, key) { if (until <= now) { flashes.delete(key); } });
    var calls = document.querySelectorAll("#board [data-call]");
    for (var i = 0; i < calls.length; i++) {
      var on = flashes.has(calls[i].dataset.call);
      if (calls[i].classList.contains("flash") !== on) { calls[i].classList.toggle("flash", on); }
    }
  }

  function syncClock() {
    var time = byId("clock");
    if (time && time.dataset.epoch) { skew = Number(time.dataset.epoch) - Date.now(); }
  }

  function expireNotice() {
    // Issue 17: the hall's notice goes at its expiry, by the server's clock.
    var notice = document.querySelector("#board [data-expires]");
    if (notice && !notice.hidden && Number(notice.dataset.expires) <= Date.now() + skew) {
      notice.hidden = true;
    }
  }

  function tickClock() {
    expireNotice();
    var time = byId("clock");
    if (!time) { return; }
    var text = clockFormat.format(new Date(Date.now() + skew));
    if (time.textContent !== text) { time.textContent = text; }
  }

  function boardChanged() {
    lastMessage = Date.now();
    syncClock();
    tickClock();
    applyFlashes();
  }

  // --- the stream and its fallback ------------------------------------------------------------

  function setLinkStatus(up) {
    document.body.dataset.link = up ? "live" : "down"; // for people debugging, and the tests
    var status = byId("link-status");
    if (status && status.hidden !== up) { status.hidden = up; }
  }

  function poll() {
    pollTimer = setTimeout(poll, POLL_MS * (0.75 + Math.random() / 2));
    fetch(cfg.pollUrl, { headers: { "HX-Request": "true", "HX-Target": "board" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
      .then(function (html) {
        if (connected) { return; }
        var board = byId("board");
        if (board) { htmx.swap(board, html, { swapStyle: "innerHTML" }); }
        boardChanged();
        // The server answers again: reconnect soon, not after a long back-off.
        if (reopenTimer !== null) { clearTimeout(reopenTimer); reopenTimer = null; }
        attempt = 0;
        scheduleReopen();
      })
      .catch(function () { /* the server is still away: the next poll tries again */ });
  }

  function startPolling() {
    setLinkStatus(false);
    if (pollTimer === null) { pollTimer = setTimeout(poll, POLL_MS * (0.75 + Math.random() / 2)); }
  }

  function stopPolling() {
    setLinkStatus(true);
    if (pollTimer !== null) { clearTimeout(pollTimer); pollTimer = null; }
  }

  // How long reconnect ``n`` waits: "full jitter" between half the base and the bound.
  function backoff(n) {
    var ceiling = Math.min(RETRY_CAP_MS, RETRY_SPREAD_MS * Math.pow(2, n));
    return RETRY_BASE_MS / 2 + Math.random() * (ceiling - RETRY_BASE_MS / 2);
  }

  function detach() {
    // The extension reconnects by itself (without jitter) unless its element has left the
    // page: the connected element is replaced by an unprocessed copy until the reconnect.
    if (source) { source.close(); }
    source = null;
    var old = byId("display");
    if (old.dataset.waiting) { return; }
    var fresh = old.cloneNode(true);
    fresh.dataset.waiting = "1";
    old.replaceWith(fresh);
  }

  function connect() {
    reopenTimer = null;
    var fresh = byId("display");
    delete fresh.dataset.waiting;
    if (lastId) {  // a new EventSource sends no Last-Event-ID: the URL carries it
      var url = fresh.getAttribute("sse-connect").split("?")[0];
      fresh.setAttribute("sse-connect", url + "?last_event_id=" + encodeURIComponent(lastId));
    }
    htmx.process(fresh);
  }

  function scheduleReopen() {
    detach();
    if (reopenTimer !== null) { return; }
    reopenTimer = setTimeout(connect, backoff(attempt));
    attempt = Math.min(attempt + 1, 16);
  }
  window.kezekDisplay = {
    backoff: backoff, base: RETRY_BASE_MS, spread: RETRY_SPREAD_MS, cap: RETRY_CAP_MS
  };

  document.body.addEventListener("htmx:sseOpen", function (e) {
    source = e.detail.source;
    connected = true;
    attempt = 0;
    lastMessage = Date.now();
    stopPolling();
  });
  document.body.addEventListener("htmx:sseError", function (e) {
    // An error of a source already replaced is not news.
    if (source && e.detail && e.detail.source && e.detail.source !== source) { return; }
    connected = false;
    startPolling();
    scheduleReopen();
  });
  document.body.addEventListener("htmx:sseBeforeMessage", function (e) {
    if (!e.target || e.target.id !== "signals") { return; }
    e.preventDefault(); // signals are data, not markup
    lastMessage = Date.now();
    var msg = e.detail;
    if (msg.lastEventId) { lastId = msg.lastEventId; }
    if (msg.type === "announce") {
      try { enqueue(JSON.parse(msg.data)); } catch (err) { /* a malformed message is skipped */ }
    } else if (msg.type === "tick") {
      var epoch = Number(msg.data);
      if (epoch) { skew = epoch - Date.now(); }
    }
  });
  document.body.addEventListener("htmx:sseMessage", function (e) {
    if (e.detail && e.detail.lastEventId) { lastId = e.detail.lastEventId; }
    if (e.target && e.target.id === "board") { boardChanged(); }
  });

  // Every second: the clock, the end of flashes, and the watchdog. A stream silent for
  // longer than two and a half heartbeats is dead even if the socket looks open.
  setInterval(function () {
    tickClock();
    applyFlashes();
    if (connected && Date.now() - lastMessage > cfg.heartbeatMs * 2.5) {
      connected = false;
      startPolling();
      scheduleReopen();
    }
  }, 1000);

  syncClock();
  probeSound();
})();
