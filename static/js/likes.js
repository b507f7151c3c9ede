// Pika! hearts. The live fragments are rendered once and pushed to every phone, so they
// cannot know which songs *this* dancer likes. Hearts rendered for this dancer's own
// request carry data-liked (the truth); pushed ones don't, and get what this page
// remembers. A tap flips the heart at once; the server's answer (or a failure) settles it.
(function () {
  "use strict";

  var liked = new Set();

  function paint(button, on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.value = on ? "0" : "1"; // what the next tap asks for
    if (button.hasAttribute("data-liked")) button.setAttribute("data-liked", on ? "1" : "0");
  }

  function sync() {
    var buttons = document.querySelectorAll("button[data-like]");
    buttons.forEach(function (button) {
      var known = button.getAttribute("data-liked");
      if (known === "1") liked.add(button.getAttribute("data-like"));
      else if (known === "0") liked.delete(button.getAttribute("data-like"));
    });
    buttons.forEach(function (button) {
      if (!button.hasAttribute("data-liked")) paint(button, liked.has(button.getAttribute("data-like")));
    });
  }

  function heartOf(event) {
    var form = event.detail && event.detail.elt;
    return form && form.matches && form.matches("form.like") ? form.querySelector("button[data-like]") : null;
  }

  function setEverywhere(id, on) {
    if (on) liked.add(id); else liked.delete(id);
    document.querySelectorAll('button[data-like="' + id + '"]').forEach(function (button) { paint(button, on); });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = heartOf(event);
    if (!button) return;
    var want = button.value === "1";
    button.pikaWas = !want;
    button.classList.remove("like-failed");
    setEverywhere(button.getAttribute("data-like"), want);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var button = heartOf(event);
    if (!button || event.detail.successful) return;
    // Refused (too many taps, gone) or offline: show the heart as it really is.
    setEverywhere(button.getAttribute("data-like"), button.pikaWas);
    document.querySelectorAll('button[data-like="' + button.getAttribute("data-like") + '"]').forEach(function (b) {
      b.classList.add("like-failed");
    });
  });

  ["DOMContentLoaded", "htmx:afterSwap", "htmx:afterSettle", "htmx:wsAfterMessage"].forEach(function (name) {
    document.addEventListener(name, sync);
  });
  // Loaded after the first paint (boot.js): the page is usually there already.
  if (document.readyState !== "loading") sync();
})();
