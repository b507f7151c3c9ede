// Pika! push opt-in: a "Notify me" button on stage and set pages. The browser asks
// for permission only when the dancer taps it, never on page load.
(function () {
  "use strict";

  var box = document.querySelector("[data-push-optin]");
  if (!box) return;
  var button = box.querySelector("[data-push-toggle]");
  var statusLine = box.querySelector("[data-push-status]");
  var kind = box.getAttribute("data-kind");
  var code = box.getAttribute("data-code");
  var label = box.getAttribute("data-label");
  var storeKey = "pika-push:" + kind + ":" + code;
  var API = "/api/v1/push/";

  var ios = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = navigator.standalone === true ||
    (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

  function show(text, buttonText, enabled) {
    statusLine.textContent = text || "";
    if (buttonText) button.textContent = buttonText;
    button.disabled = !enabled;
  }

  function explain() {
    if (ios && !standalone) {
      show("On iPhone and iPad, notifications work from the Home Screen: tap Share, then " +
        "\u201cAdd to Home Screen\u201d, open Pika! from there and tap Notify me (iOS 16.4 or later).",
        "Notify me", true);
      return true;
    }
    if (!supported) {
      show(ios ? "Notifications need iOS 16.4 or later." : "This browser can't show notifications from web pages.",
        "Notifications unavailable", false);
      return true;
    }
    if (Notification.permission === "denied") {
      show("Notifications are blocked for this site. Allow them in your browser's site settings, then reload.",
        "Notifications blocked", false);
      return true;
    }
    return false;
  }

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false;
    var current = new Uint8Array(buffer);
    if (current.length !== bytes.length) return false;
    for (var i = 0; i < bytes.length; i++) if (current[i] !== bytes[i]) return false;
    return true;
  }

  function call(method, body) {
    return fetch(API + "subscriptions", {
      method: method,
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data.error && data.error.message) || "Something went wrong.");
        return data;
      });
    });
  }

  function scope(extra) {
    var body = extra || {};
    body[kind] = code;
    return body;
  }

  function subscription(registration) {
    return fetch(API + "vapid-public-key", { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var key = keyBytes(data.public_key);
        return registration.pushManager.getSubscription().then(function (existing) {
          // A subscription made for an older server key can never be delivered to.
          if (existing && sameKey(existing.options.applicationServerKey, key)) return existing;
          var fresh = function () {
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
          };
          return existing ? existing.unsubscribe().then(fresh) : fresh();
        });
      });
  }

  function turnOn() {
    show("Turning notifications on…", null, false);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        if (!explain()) show("Notifications stay off: permission was not given.", "Notify me", true);
        return null;
      }
      return navigator.serviceWorker.ready.then(subscription).then(function (sub) {
        return call("POST", scope({ subscription: sub.toJSON() })).then(function () {
          localStorage.setItem(storeKey, sub.endpoint);
          on();
        });
      });
    }).catch(function (error) {
      show("Could not turn notifications on: " + error.message, "Notify me", true);
    });
  }

  function turnOff() {
    show("Turning notifications off…", null, false);
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (sub) {
      // Without the browser's subscription there are no keys to prove it is ours; the
      // push service then answers 410 and the server forgets the device on its own.
      if (!sub) {
        localStorage.removeItem(storeKey);
        return null;
      }
      return call("DELETE", scope({ subscription: sub.toJSON() })).then(function (result) {
        localStorage.removeItem(storeKey);
        if (result.remaining === 0) return sub.unsubscribe();
        return null;
      });
    }).then(off).catch(function (error) {
      show("Could not turn notifications off: " + error.message, "Stop notifications", true);
    });
  }

  function on() {
    box.classList.add("is-on");
    show("Notifications are on for " + label + ".", "Stop notifications", true);
  }

  function off() {
    box.classList.remove("is-on");
    show("", "Notify me", true);
  }

  button.addEventListener("click", function () {
    if (ios && !standalone) { explain(); return; }
    if (box.classList.contains("is-on")) turnOff(); else turnOn();
  });

  if (explain()) {
    // The iPhone explanation waits for a tap; unsupported and blocked are said at once.
    if (ios && !standalone) show("", "Notify me", true);
    return;
  }
  // Registering the worker asks nothing of the dancer; it makes the page installable.
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (sub) {
    if (sub && localStorage.getItem(storeKey) === sub.endpoint) on(); else off();
  }).catch(function () {
    show("Notifications are unavailable here (private browsing?).", "Notifications unavailable", false);
  });
})();
