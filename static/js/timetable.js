// The timetable's pages: the service worker that keeps the timetable readable offline, and
// the venue screen's countdowns ("in 12:34"), ticking each second. The server pushes the
// new now/next at each slot boundary; this only keeps the seconds honest.
"use strict";
(function () {
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});

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
  // Now/next after a slot boundary: the server pushes it over the socket (its minute task,
  // through the channel layer). When no push came — no shared channel layer, a socket
  // down — the block still shows the old boundary a little later: fetch it once.
  var GRACE_MS = 20000 + Math.floor(Math.random() * 20000);  // spread a room's requests
  var asked = {};
  function refreshStale() {
    if (!window.htmx) return;
    var nodes = document.querySelectorAll("[data-boundary][data-refresh]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i], boundary = node.getAttribute("data-boundary");
      var key = node.id + "@" + boundary;
      if (asked[key] || Date.now() < Date.parse(boundary) + GRACE_MS) continue;
      asked[key] = true;
      window.htmx.ajax("GET", node.getAttribute("data-refresh"), { target: "#" + node.id, swap: "outerHTML" });
    }
  }
  function everySecond() { tick(); refreshStale(); }
  everySecond();
  setInterval(everySecond, 1000);
})();
