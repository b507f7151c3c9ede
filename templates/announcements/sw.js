// Pika! service worker: shows pushes and opens the right page when one is tapped.
// Served from /sw.js (scope: the whole site) by announcements.views.service_worker.
"use strict";

var ICON = "{{ icon }}";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
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
