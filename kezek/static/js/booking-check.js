/* The booking form's proof of work (issue 18): the ALTCHA v1 challenge of
   GET /api/bookings/challenge — find the number n <= maxNumber whose SHA-256 of salt + n is
   the challenge — solved here, then sent as the base64 JSON payload the server verifies with
   the `altcha` library. Our own few lines rather than the ALTCHA widget: the widget injects
   inline styles and runs its workers from blob: URLs, which the site's strict CSP refuses.
   crypto.subtle where the page is a secure context; a small SHA-256 below where it is not
   (a plain-HTTP office network). The submit button is enabled once the check is solved. */
(function () {
  "use strict";

  var K = [];
  (function () {
    var n = 2, found = 0;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) { if (n % d === 0) { prime = false; break; } }
      if (prime) { K[found++] = frac(Math.pow(n, 1 / 3)); }
      n++;
    }
  })();

  function hexOf(words) {
    var out = "";
    for (var i = 0; i < words.length; i++) { out += ("00000000" + (words[i] >>> 0).toString(16)).slice(-8); }
    return out;
  }

  function sha256Plain(text) {  // ASCII only: the salt and the digits
    var bytes = [], i, j;
    for (i = 0; i < text.length; i++) { bytes.push(text.charCodeAt(i) & 255); }
    var bits = bytes.length * 8;
    bytes.push(128);
    while (bytes.length % 64 !== 56) { bytes.push(0); }
    for (i = 7; i >= 0; i--) { bytes.push(i > 3 ? 0 : (bits >>> (i * 8)) & 255); }
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Array(64);
    function rotr(x, n) { return (x >>> n) | (x << (32 - n)); }
    for (i = 0; i < bytes.length; i += 64) {
      for (j = 0; j < 16; j++) {
        w[j] = (bytes[i + 4 * j] << 24) | (bytes[i + 4 * j + 1] << 16) | (bytes[i + 4 * j + 2] << 8) | bytes[i + 4 * j + 3];
      }
      for (j = 16; j < 64; j++) {
        var s0 = rotr(w[j - 15], 7) ^ rotr(w[j - 15], 18) ^ (w[j - 15] >>> 3);
        var s1 = rotr(w[j - 2], 17) ^ rotr(w[j - 2], 19) ^ (w[j - 2] >>> 10);
        w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (j = 0; j < 64; j++) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h = [h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e, h[5] + f, h[6] + g, h[7] + k].map(function (x) { return x | 0; });
    }
    return hexOf(h);
  }

  function sha256(text) {
    if (window.crypto && window.crypto.subtle) {
      return window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
        return Array.prototype.map.call(new Uint8Array(buf), function (x) {
          return ("0" + x.toString(16)).slice(-2);
        }).join("");
      });
    }
    return Promise.resolve(sha256Plain(text));
  }

  function solve(given) {
    var n = 0;
    function next() {
      if (n > given.maxNumber) { return Promise.reject(new Error("unsolved")); }
      var tried = n++;
      return sha256(given.salt + tried).then(function (hex) {
        return hex === given.challenge ? tried : next();
      });
    }
    return next();
  }

  function start(form) {
    var status = form.querySelector(".booking-check");
    var button = form.querySelector("button[type=submit]");
    var field = form.querySelector("input[name=altcha]");
    status.textContent = status.dataset.working;
    fetch(form.dataset.challenge, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (given) {
        return solve(given).then(function (number) {
          field.value = btoa(JSON.stringify({
            algorithm: given.algorithm, challenge: given.challenge, number: number,
            salt: given.salt, signature: given.signature
          }));
          status.textContent = status.dataset.done;
          button.disabled = false;
        });
      })
      .catch(function () { status.textContent = status.dataset.failed; });
  }

  function init() {
    var form = document.querySelector("form[data-challenge]");
    if (form) { start(form); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
