/* The phone page (issue 17). Its status section #ticket-live comes whole from the server:
   - live: an EventSource on its data-events URL hands a new section whenever the queue moves;
     while that stream is down, htmx polls every 10 s (its polls are cancelled while it is up);
   - when the phase becomes "next" or "called" the phone vibrates, plays a tone and says the
     cabinet (speechSynthesis, where there is one); the words are also shown in #phone-said.
     Browsers allow sound only after a gesture: the "Turn on sound" button is that tap;
   - the section cannot itself be a live region (it is replaced), so a new status goes once
     into #phone-announce, which stays in the page (WCAG 4.1.3). */
(function () {
  "use strict";

  var ALERT = { next: true, called: true };
  var live = null;  // the EventSource while it is open
  var up = false;   // the stream answered since it was (re)opened
  var audio = null; // the AudioContext the tap allowed

  function section() { return document.getElementById("ticket-live"); }

  function phaseOf(el) { return el ? el.dataset.phase || "" : ""; }
  function saidOf(el) { return el ? el.dataset.announce || "" : ""; }

  var lastPhase = phaseOf(section());
  var lastSaid = saidOf(section());  // what the page said when it opened is read with the page

  function tone() {
    if (!audio) { return; }
    try {
      var at = audio.currentTime;
      [0, 0.35].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, at + offset);
        gain.gain.exponentialRampToValueAtTime(0.3, at + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + offset + 0.3);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(at + offset);
        osc.stop(at + offset + 0.32);
      });
    } catch (e) { /* no sound is no reason to stop */ }
  }

  function speak(text, lang) {
    var shown = document.getElementById("phone-said");
    if (shown) { shown.textContent = text; }
    if (!audio || !text || !window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
    try {
      var say = new SpeechSynthesisUtterance(text);
      say.lang = { kk: "kk-KZ", ru: "ru-RU", en: "en-US" }[lang] || lang;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(say);
    } catch (e) { /* the words are on the screen */ }
  }

  function alert(el) {
    if (navigator.vibrate) {
      try { navigator.vibrate([300, 150, 300]); } catch (e) { /* not allowed yet */ }
    }
    tone();
    speak(saidOf(el), el.dataset.lang || document.documentElement.lang);
  }

  function changed() {
    var el = section();
    if (!el) { return; }
    var phase = phaseOf(el);
    var said = saidOf(el);
    if (phase !== lastPhase && ALERT[phase]) { alert(el); }
    lastPhase = phase;
    var region = document.getElementById("phone-announce");
    if (region && said !== lastSaid) { region.textContent = said; }
    lastSaid = said;
    if (!el.dataset.events) { stop(); }  // a final ticket: nothing more will happen
  }

  function swap(html) {
    var old = section();
    if (!old) { return; }
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh || fresh.id !== "ticket-live") { return; }
    old.replaceWith(fresh);
    if (window.htmx) { window.htmx.process(fresh); }
    changed();
  }

  function stop() {
    if (live) { live.close(); live = null; }
    up = false;
  }

  function open() {
    var el = section();
    if (!window.EventSource || !el || !el.dataset.events || live) { return; }
    live = new EventSource(el.dataset.events);
    live.addEventListener("live", function (evt) { up = true; swap(evt.data); });
    live.addEventListener("tick", function () { up = true; });
    live.addEventListener("end", function () { stop(); });
    live.addEventListener("error", function () {
      up = false;  // EventSource retries by itself; meanwhile htmx polls
    });
  }

  // The 10 s poll only runs while the stream is not up.
  document.body.addEventListener("htmx:beforeRequest", function (evt) {
    if (up && evt.target && evt.target.id === "ticket-live") { evt.preventDefault(); }
  });
  document.body.addEventListener("htmx:afterSettle", function (evt) {
    if (evt.target && evt.target.id === "ticket-live") { changed(); }
  });

  var button = document.getElementById("phone-sound");
  if (button && (window.AudioContext || window.webkitAudioContext || navigator.vibrate)) {
    button.parentElement.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) {
        try { audio = new Context(); audio.resume(); } catch (e) { audio = null; }
      }
      if (navigator.vibrate) {
        try { navigator.vibrate(50); } catch (e) { /* fine */ }
      }
      button.setAttribute("aria-pressed", "true");
      button.textContent = button.dataset.on;
      tone();
    });
  }

  open();
})();
