// Pika! page behaviour. No inline scripts (the CSP forbids them): everything is here.
(function () {
  "use strict";

  // "Started 3 min ago" stays true while the phone sits in a pocket.
  function relative(iso) {
    var seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 60) return "just now";
    var minutes = Math.round(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    var hours = Math.floor(minutes / 60);
    return hours + " h " + (minutes % 60) + " min ago";
  }
  // Times not tied to an event read in this phone's time zone. The server renders them so
  // once it knows the zone (the pika_tz cookie); pushed fragments are rendered once for
  // every phone, so the browser writes them again. Same shapes as the server's "H:i", "D H:i".
  var LOCAL_FORMATS = {
    "time": { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
    "day-time": { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
  };
  function localTimes() {
    document.querySelectorAll("time[data-local]").forEach(function (el) {
      var format = LOCAL_FORMATS[el.getAttribute("data-local")];
      var when = new Date(el.getAttribute("datetime"));
      if (format && !isNaN(when)) el.textContent = new Intl.DateTimeFormat("en-GB", format).format(when).replace(",", "");
    });
  }
  function rememberTimeZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    var known = document.cookie.match(/(?:^|; )pika_tz=([^;]*)/);
    if (zone && (!known || known[1] !== zone)) {
      document.cookie = "pika_tz=" + zone + "; path=/; max-age=34560000; samesite=lax";
    }
  }
  rememberTimeZone();

  function refreshTimes() {
    document.querySelectorAll("time[data-relative]").forEach(function (el) {
      el.textContent = relative(el.getAttribute("datetime"));
    });
    localTimes();
  }
  setInterval(refreshTimes, 30000);

  // A new track arrives as one entry on top of the set list. A page that connected in
  // the same instant may already have it from its first state: keep one of each.
  function dropRepeatedTracks() {
    var seen = {};
    document.querySelectorAll("#set-list-tracks > [data-track]").forEach(function (el) {
      var id = el.getAttribute("data-track");
      if (seen[id]) el.remove();
      seen[id] = true;
    });
  }
  document.addEventListener("htmx:wsAfterMessage", dropRepeatedTracks);
  document.addEventListener("htmx:wsAfterMessage", refreshTimes);
  document.addEventListener("htmx:afterSwap", refreshTimes);
  // Loaded after the first paint (boot.js), so the page is usually ready already.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refreshTimes);
  else refreshTimes();

  // Copy buttons (share link, new API token).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var done = function () { button.textContent = "Copied!"; };
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () {});
  });

  // The live socket. Every frame says which version of the page's state it brings
  // (pika/live_state.py): "<!--state:g=N,g=N-->" starts a whole state (alone: "you are
  // current"), "<!--v:g=N-->" one change to group g. A socket that reconnects asks with
  // the versions it holds (?v=) and is sent nothing but the marker when nothing changed,
  // so a venue's phones coming back after a wifi drop cost the server almost nothing.
  var STATE = /^<!--state:([^>]*)-->/, CHANGE = /^<!--v:([^=>]+)=(\d+)-->/;
  var versions = null;
  function readVersions(text) {
    var found = {};
    text.split(",").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length === 2 && /^\d+$/.test(pair[1])) found[pair[0]] = parseInt(pair[1], 10);
    });
    return found;
  }
  function versionsParam() {
    return Object.keys(versions).sort().map(function (group) { return group + "=" + versions[group]; }).join(",");
  }
  var socketElement = document.querySelector("[ws-connect]");
  if (socketElement) {
    var given = /[?&]v=([^&]*)/.exec(socketElement.getAttribute("ws-connect"));
    if (given) versions = readVersions(decodeURIComponent(given[1]));
  }
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    var message = event.detail.message, found;
    if ((found = STATE.exec(message))) {
      versions = readVersions(found[1]);
      return;
    }
    // A change may stamp two groups (a stage's track also moves its event's version).
    while (versions && (found = CHANGE.exec(message))) {
      if (found[1] in versions) versions[found[1]] = Math.max(versions[found[1]], parseInt(found[2], 10));
      message = message.slice(found[0].length);
    }
  });
  // Exponential backoff with full jitter: the first retry within 1 s, then up to 2, 4, 8
  // and at most 15 s apart, so a venue's phones spread out instead of returning in one
  // burst. An attempt refused at once (nothing listening: the server is restarting) costs
  // the server nothing, so for the first minute of an outage those retry within 1 s and a
  // restarted server has every phone back about a second after it listens (within ~3 s
  // they waited up to 2.8 s, the whole storm budget); only attempts that fail slowly (an
  // overloaded server) or an outage past a minute back off further.
  var FAST_FAILURE_MS = 1000, FAST_WINDOW_MS = 60000, failedFast = false, downSince = null;
  if (window.htmx) {
    htmx.createWebSocket = function (url) {
      var target = new URL(url, location.href);
      if (versions) target.searchParams.set("v", versionsParam());
      var socket = new WebSocket(target.toString(), []);
      var started = Date.now(), opened = false;
      socket.binaryType = htmx.config.wsBinaryType;
      // Registered before htmx's own close handler, which asks for the delay below.
      socket.addEventListener("open", function () { opened = true; downSince = null; });
      socket.addEventListener("close", function () {
        failedFast = !opened && Date.now() - started < FAST_FAILURE_MS;
        if (downSince === null) downSince = Date.now();
      });
      return socket;
    };
    htmx.config.wsReconnectDelay = function (retryCount) {
      var fast = failedFast && Date.now() - downSince < FAST_WINDOW_MS;
      return Math.random() * Math.min(15000, 1000 * Math.pow(2, fast ? 0 : retryCount));
    };
  }

  // Connection state, and a slow poll while WebSockets are blocked or down, so a page
  // on bad venue wifi still moves on. The socket reconnects by itself (above); the page
  // says "Reconnecting…" only when that has not worked for a few seconds.
  var POLL_MS = 20000, GRACE_MS = 5000;
  var live = document.querySelector("[data-poll-url]");
  if (!live) return;

  // The tab (and an installed app's window) names what plays now, also after a push.
  function syncTitle() {
    // The #now-playing region stays; a push replaces the card inside it.
    var card = document.querySelector("#now-playing [data-title]");
    if (card) document.title = card.getAttribute("data-title");
  }
  document.addEventListener("htmx:wsAfterMessage", syncTitle);
  document.addEventListener("htmx:afterSwap", syncTitle);
  var open = false, pollTimer = null, graceTimer = null;
  function status(text, offline) {
    var el = document.querySelector("[data-conn]");
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("is-offline", !!offline);
  }
  function poll() {
    if (open || document.hidden || !window.htmx) return;
    // While offline the request fails; the next poll or the socket catches up, so the
    // rejection is expected (unhandled it would be an uncaught error on every poll).
    htmx.ajax("GET", live.getAttribute("data-poll-url"), { target: "#live-panel", swap: "outerHTML" })
      .catch(function () {});
  }
  function startPolling() {
    if (pollTimer || open) return;
    status("Reconnecting…", true);
    poll();
    pollTimer = setInterval(poll, POLL_MS);
  }
  // Offline for long (no socket, no successful poll): the track shown may be over, so the
  // page says so ("Stale") until fresh news arrives. data-stale-ms on the live element
  // changes the threshold.
  var STALE_MS = 120000, lastFresh = Date.now(), stale = false;
  function staleAfter() {
    var given = parseInt(live.getAttribute("data-stale-ms"), 10);
    return given > 0 ? given : STALE_MS;
  }
  function showStale(on) {
    stale = on;
    var note = document.querySelector("[data-stale]"), region = document.getElementById("now-playing");
    if (region) region.classList.toggle("is-stale", on);
    if (!note) return;
    note.hidden = !on;
    var since = note.querySelector("[data-stale-since]");
    if (on && since) {
      since.setAttribute("datetime", new Date(lastFresh).toISOString());
      since.textContent = new Intl.DateTimeFormat("en-GB", LOCAL_FORMATS.time).format(new Date(lastFresh));
    }
  }
  function fresh() {
    lastFresh = Date.now();
    if (stale) showStale(false);
  }
  setInterval(function () {
    if (!open && !stale && Date.now() - lastFresh > staleAfter()) showStale(true);
  }, 1000);
  document.addEventListener("htmx:wsAfterMessage", fresh);
  document.addEventListener("htmx:afterRequest", function (event) {
    var path = event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (event.detail.successful && path === live.getAttribute("data-poll-url")) fresh();
  });
  document.addEventListener("htmx:wsOpen", function () {
    open = true;
    fresh();
    clearTimeout(graceTimer);
    clearInterval(pollTimer);
    pollTimer = null;
    status("Live", false);
  });
  document.addEventListener("htmx:wsClose", function () {
    open = false;
    graceTimer = setTimeout(startPolling, GRACE_MS);
  });
  graceTimer = setTimeout(startPolling, GRACE_MS);
})();

// A form sent while the server could not store it (the database restarting: a 503) keeps
// what was typed — htmx swaps nothing on an error — and says why, so one more tap sends it.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (!form || !xhr || xhr.status !== 503) return;
    var note = form.querySelector("[data-retry-note]");
    if (!note) {
      note = document.createElement("p");
      note.className = "form-error";
      note.setAttribute("role", "alert");
      note.setAttribute("data-retry-note", "");
      form.insertBefore(note, form.firstChild);
    }
    note.textContent = (xhr.responseText || "The server is busy.").slice(0, 200) + " Your entry is kept: send it again.";
  });
})();
