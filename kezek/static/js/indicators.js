// Indicators pages: the print button, and the feedback tablet going back to its waiting screen.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  function armReturn() {
    var back = document.querySelector("[data-return-after]");
    if (!back || back.dataset.armed) { return; }
    back.dataset.armed = "1";
    var seconds = Math.min(60, parseInt(back.dataset.returnAfter, 10) || 8);
    window.setTimeout(function () { window.location.assign(back.href); }, seconds * 1000);
  }
  document.addEventListener("DOMContentLoaded", armReturn);
  document.addEventListener("htmx:afterSettle", armReturn);
})();
