// Pika! service worker: serves the static files from a cache, shows pushes and opens the
// right page when one is tapped.
// Served from /sw.js (scope: the whole site) by announcements.views.service_worker.
"use strict";

var ICON = "{{ icon }}";
var CACHE = "{{ cache_name }}";
// The dancer's static files under their content-hashed names: they never change, so the
// cached copy is always right and a second scan needs the network for the page alone.
var PRECACHE = [{% for url in precache %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  // A file that fails to arrive (weak wifi) is fetched again on its next use: the worker
  // installs anyway, it is also what makes the page installable and receives pushes.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(PRECACHE.map(function (url) {
      return cache.add(url).catch(function () {});
    }));
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("pika-static-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(event.request).then(function (cached) {
      return cached || fetch(event.request).then(function (response) {
        if (response.ok) cache.put(event.request, response.clone());
        return response;
      });
    });
  }));
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  var urgent = data.priority === "urgent";
  event.waitUntil(
    self.registration.showNotification(data.title || "Pika!", {
      body: data.body || "",
      icon: ICON,
      badge: ICON,
      tag: data.tag || undefined,
      renotify: Boolean(data.tag),
      requireInteraction: urgent,
      vibrate: urgent ? [300, 100, 300, 100, 300] : [120],
      data: { url: data.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Only ever open pages of this site, whatever a payload says.
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i++) {
        if (windows[i].url === target.href && "focus" in windows[i]) return windows[i].focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});

// The timetable, readable offline: fetched from the network when there is one (its page
// says "as of version N"), else the copy from the last visit. Only those pages are kept.
var TIMETABLE_CACHE = "pika-timetable-v1";
var TIMETABLE_PATH = /^\/e\/[^/]+\/timetable$/;

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !TIMETABLE_PATH.test(url.pathname)) return;
  if (request.headers.get("HX-Request")) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(TIMETABLE_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(TIMETABLE_CACHE).then(function (cache) {
        return cache.match(request).then(function (hit) {
          return hit || cache.match(request, { ignoreSearch: true }).then(function (any) {
            return any || Response.error();
          });
        });
      });
    })
  );
});
