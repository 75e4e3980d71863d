// Staff pages: the CSRF header on htmx requests, the Call-next key, refusals shown in place,
// the print button of the certificate. No inline scripts (CSP: script-src 'self').
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Every htmx request carries the session's CSRF token (forms also carry the hidden field).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  // A refusal or a validation error comes with its own page or fragment: show it, do not
  // leave the clerk looking at a button that did nothing.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403 || status === 404 || status === 409 || status === 422 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Alt+letter works every console action whose button shows it (data-key: by key position,
  // so it works on the Kazakh and Russian layouts too), unless the clerk is typing in a field
  // (Alt+T from the transfer list is meant). Never a letter alone: a stray key press would
  // call a visitor (WCAG 2.1.4).
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.repeat || !event.code) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    var typing = tag === "input" || tag === "textarea" || (target && target.isContentEditable);
    if (typing || (tag === "select" && event.code !== "KeyT")) {
      return;
    }
    var control = document.querySelector('[data-key="' + event.code + '"]');
    if (control && !control.disabled) {
      event.preventDefault();
      control.click();
    }
  });

  // After an action the panel is new: the focus goes to the next thing to do (the first
  // action of the ticket in hand, else "Call next"), never back to the top of the page. A
  // refresh of the panel (another clerk's call, the 30 s poll) keeps the focus where it was.
  var focusWas = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var panel = document.getElementById("queue-panel");
    var active = document.activeElement;
    focusWas = panel && active && panel.contains(active) ?
      (active.getAttribute("data-key") || active.id || "") : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var panel = document.getElementById("queue-panel");
    if (!panel || !config || (config.verb !== "post" && focusWas === null)) {
      return;
    }
    var same = focusWas && config.verb !== "post" ?
      panel.querySelector('[data-key="' + focusWas + '"], [id="' + focusWas + '"]') : null;
    var next = same || nextAction(panel);
    if (next && !next.disabled) { next.focus(); }
    focusWas = null;
  });

  function nextAction(panel) {
    return panel.querySelector(".in-hand .actions button:not([disabled])") ||
      document.getElementById("call-next");
  }

  // A boosted click brings a whole page, but htmx puts the focus back on an element of the
  // same id (the card's address field after creating the card, at the foot of the page):
  // instead, the page's own [autofocus], the console's next action, else the page's content
  // (the next Tab goes to its first control, as after a page load past the menu).
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.boosted || event.detail.target !== document.body) {
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body && active.hasAttribute("autofocus")) {
      return;
    }
    var panel = document.getElementById("queue-panel");
    var next = (panel && nextAction(panel)) || document.getElementById("main");
    if (next && !next.disabled) { next.focus({ preventScroll: true }); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-print]")) {
      window.print();
    }
  });
  // The idle warning: a minute before the session ends (the profile's idle time, counted
  // from the last user action: a page or an htmx request, not the live stream), say so; the
  // button is an action and keeps the session.
  var warning = document.getElementById("idle-warning");
  if (warning) {
    var idleMs = parseInt(warning.getAttribute("data-idle-seconds"), 10) * 1000;
    var timer = null;
    var arm = function () {
      warning.hidden = true;
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(function () { warning.hidden = false; }, Math.max(0, idleMs - 60000));
    };
    document.addEventListener("htmx:afterRequest", function (event) {
      var path = event.detail.pathInfo && event.detail.pathInfo.requestPath;
      if (!path || path.indexOf("/staff/events") === -1) { arm(); }
    });
    document.getElementById("idle-stay").addEventListener("click", function () {
      fetch(window.location.href, { credentials: "same-origin" }).then(arm);
    });
    arm();
  }
})();
