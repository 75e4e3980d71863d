/* The phone page: its status section is fetched again every 10 s and swapped whole, so it
   cannot itself be a live region. When the status changes ("You are called!"), its text goes
   once into #phone-announce, a live region that stays in the page (WCAG 4.1.3). */
(function () {
  "use strict";

  function said() {
    var live = document.getElementById("ticket-live");
    return live ? live.dataset.announce || "" : "";
  }

  var last = said();  // what the page said when it opened is read with the page

  document.body.addEventListener("htmx:afterSettle", function (evt) {
    if (!evt.target || evt.target.id !== "ticket-live") { return; }
    var now = said();
    var region = document.getElementById("phone-announce");
    if (now === last || !region) { return; }
    last = now;
    region.textContent = now;
  });
})();
