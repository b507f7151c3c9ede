// Pika! boot: the only script a page asks for before its first paint, and a small one
// (deferred: it runs once the page is parsed).
// Every other script (htmx and its WebSocket extension are 18 KB of the ~25 KB a first
// visit loads) is named by a placeholder, <script type="text/plain" data-after-paint="…">,
// and fetched after the load event: on a venue's thin wifi they would otherwise share the
// pipe with the stylesheet and hold back the first paint (docs/benchmarks.md). The page
// reads fine and its links and forms work meanwhile.
(function () {
  "use strict";

  // The full stylesheet of a dancer page arrives as media="print", which never holds back
  // the first paint (the page's critical rules are inline); it applies once loaded.
  document.querySelectorAll("link[data-after-paint-style]").forEach(function (link) {
    link.media = "all";
  });

  // The scripts it adds carry its CSP nonce (the policy allows this origin's scripts too).
  var nonce = document.currentScript ? document.currentScript.nonce : "";

  function load(src) {
    return new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = src;
      if (nonce) script.nonce = nonce;
      script.async = false; // run in document order: htmx before its extension
      script.onload = script.onerror = resolve;
      document.head.appendChild(script);
    });
  }

  function start() {
    var placeholders = document.querySelectorAll("script[data-after-paint]");
    Promise.all(Array.prototype.map.call(placeholders, function (placeholder) {
      return load(placeholder.getAttribute("data-after-paint"));
    })).then(function () {
      // Loaded into a finished page, htmx set the page up at once, before its WebSocket
      // extension existed: hand the extension the page's sockets with the event htmx sends.
      if (!window.htmx) return;
      document.querySelectorAll("[ws-connect]").forEach(function (el) {
        htmx.trigger(el, "htmx:beforeProcessNode");
      });
    });
    // The service worker precaches the static files, so the next scan paints from them.
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
