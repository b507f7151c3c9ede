// Pika! announcement banners: dismissible, and remembered as dismissed on this phone.
(function () {
  "use strict";

  var KEY = "pika-dismissed-announcements";
  var KEEP = 200;

  function dismissed() {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || [];
    } catch (error) {
      return [];
    }
  }

  function apply() {
    var gone = dismissed();
    var seen = {};
    document.querySelectorAll("[data-announcement]").forEach(function (banner) {
      var code = banner.getAttribute("data-announcement");
      // A banner can arrive twice (the connect state and the live message racing).
      if (seen[code]) { banner.remove(); return; }
      seen[code] = true;
      if (gone.indexOf(code) >= 0) banner.classList.add("is-dismissed");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-dismiss-announcement]");
    if (!button) return;
    var code = button.getAttribute("data-dismiss-announcement");
    var gone = dismissed().filter(function (other) { return other !== code; });
    gone.push(code);
    try {
      localStorage.setItem(KEY, JSON.stringify(gone.slice(-KEEP)));
    } catch (error) {
      // Private mode without storage: dismissed for this page view only.
    }
    var banner = button.closest("[data-announcement]");
    if (banner) banner.classList.add("is-dismissed");
  });

  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("htmx:wsAfterMessage", apply);
  document.addEventListener("htmx:afterSwap", apply);
  apply();
})();
