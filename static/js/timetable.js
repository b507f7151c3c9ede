// Venue screen countdowns: "in 12:34" to the next slot, ticking each second. The server
// pushes the new now/next at each slot boundary; this only keeps the minutes honest.
"use strict";
(function () {
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var nodes = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < nodes.length; i++) {
      var left = Math.round((Date.parse(nodes[i].getAttribute("data-countdown")) - Date.now()) / 1000);
      if (isNaN(left)) continue;
      if (left <= 0) { nodes[i].textContent = "starting"; continue; }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      nodes[i].textContent = "in " + (h ? h + ":" + pad(m) : m) + ":" + pad(s);
    }
  }
  tick();
  setInterval(tick, 1000);
})();
