/* The kiosk's keypad for a booking code or an IIN (§10): a touch screen has no keyboard.
   Delegated from the document, so it works on screens htmx swaps in. Without JavaScript the
   field still takes what a keyboard types. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var key = event.target.closest ? event.target.closest("[data-keypad]") : null;
    if (!key) { return; }
    var field = document.getElementById(key.getAttribute("data-for"));
    if (!field) { return; }
    var what = key.getAttribute("data-keypad");
    if (what === "erase") {
      field.value = field.value.slice(0, -1);
    } else if (what === "clear") {
      field.value = "";
    } else if (field.value.length < (field.maxLength > 0 ? field.maxLength : 12)) {
      field.value += what;
    }
  });
})();
