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

  // Alt+N calls the next ticket (by key position, so it works on the Kazakh and Russian
  // layouts too), unless the clerk is typing in a field. Never N alone: a stray key press
  // would call a visitor (WCAG 2.1.4).
  document.addEventListener("keydown", function (event) {
    if (event.code !== "KeyN" || !event.altKey || event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) {
      return;
    }
    var button = document.getElementById("call-next");
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
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
