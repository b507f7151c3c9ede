// The DJ's booth view: keep the screen awake (Screen Wake Lock API, where the browser has
// it), tick the time since the track started, and go full screen on request.
(function () {
  "use strict";

  var status = document.querySelector("[data-wake-status]");
  var lock = null;
  function say(text) { if (status) status.textContent = text; }

  function keepAwake() {
    if (!("wakeLock" in navigator)) {
      say("This browser can't keep the screen awake: turn off its sleep timer.");
      return;
    }
    navigator.wakeLock.request("screen").then(function (sentinel) {
      lock = sentinel;
      say("Screen stays awake");
      lock.addEventListener("release", function () {
        if (document.visibilityState === "visible") say("Screen may sleep");
      });
    }, function (error) {
      say("Screen may sleep (" + (error && error.name ? error.name : "refused") + ")");
    });
  }
  // A lock ends whenever the tab is hidden: take it again when the booth is back.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && (!lock || lock.released)) keepAwake();
  });
  keepAwake();

  // "3:07" since the track on now started; the card is swapped on every new track.
  function tick() {
    var out = document.querySelector("[data-elapsed]");
    var started = document.querySelector("#now-playing .is-playing time[datetime]");
    if (!out) return;
    if (!started) { out.textContent = "–"; return; }
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(started.getAttribute("datetime"))) / 1000));
    var minutes = Math.floor(seconds / 60);
    var text = minutes >= 60
      ? Math.floor(minutes / 60) + ":" + String(minutes % 60).padStart(2, "0") + ":" + String(seconds % 60).padStart(2, "0")
      : minutes + ":" + String(seconds % 60).padStart(2, "0");
    out.textContent = text;
  }
  setInterval(tick, 1000);
  tick();

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-fullscreen]")) return;
    if (document.fullscreenElement) document.exitFullscreen().catch(function () {});
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(function () {});
  });
})();
