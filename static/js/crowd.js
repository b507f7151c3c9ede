// Pika! the floor talks back: tempo votes, thank-yous and poll answers. Like the hearts
// (likes.js), the live fragments are rendered once for every phone and cannot know what
// *this* dancer chose: pieces rendered for this dancer's own request carry data-mine (the
// truth), pushed ones don't and get what this page remembers. A new track brings fresh
// tempo and thank-you buttons (another track id): nothing remembered applies, so they reset.
(function () {
  "use strict";

  var tempo = {}; // track id -> "slower" | "perfect" | "faster" | ""
  var thanked = {}; // track id -> true
  var answers = {}; // poll code -> option position (a string) or ""

  function paintTempo(form, mine) {
    form.querySelectorAll("button[data-choice]").forEach(function (button) {
      var on = button.getAttribute("data-choice") === mine;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.value = on ? "none" : button.getAttribute("data-choice"); // a second tap clears
    });
  }

  function paintThanks(form, sent) {
    var button = form.querySelector("button");
    if (button) button.setAttribute("aria-pressed", sent ? "true" : "false");
  }

  function paintPoll(section, mine) {
    var answered = mine !== undefined && mine !== "";
    section.classList.toggle("is-answered", answered);
    section.querySelectorAll("button[data-option]").forEach(function (button) {
      button.setAttribute("aria-pressed", answered && button.getAttribute("data-option") === mine ? "true" : "false");
    });
  }

  function closeIfDue(section) {
    var ends = section.getAttribute("data-ends");
    if (!ends || section.classList.contains("is-closed") || Date.now() < Number(ends) * 1000) return;
    // Closed by the clock: the server refuses answers now; its final results follow.
    section.classList.add("is-closed");
    section.querySelectorAll("button[data-option]").forEach(function (button) { button.disabled = true; });
  }

  function sync() {
    document.querySelectorAll("form.tempo[data-tempo]").forEach(function (form) {
      var id = form.getAttribute("data-tempo");
      if (form.hasAttribute("data-mine")) tempo[id] = form.getAttribute("data-mine");
      else paintTempo(form, tempo[id] || "");
    });
    document.querySelectorAll("form.thanks[data-thanks]").forEach(function (form) {
      var id = form.getAttribute("data-thanks");
      if (form.hasAttribute("data-mine")) thanked[id] = form.getAttribute("data-mine") === "1";
      else paintThanks(form, !!thanked[id]);
    });
    document.querySelectorAll("section.poll[data-poll]").forEach(function (section) {
      var code = section.getAttribute("data-poll");
      if (section.hasAttribute("data-mine")) answers[code] = section.getAttribute("data-mine");
      else paintPoll(section, answers[code]);
      closeIfDue(section);
    });
  }

  ["DOMContentLoaded", "htmx:afterSwap", "htmx:afterSettle", "htmx:wsAfterMessage"].forEach(function (name) {
    document.addEventListener(name, sync);
  });
  setInterval(function () { document.querySelectorAll("section.poll[data-ends]").forEach(closeIfDue); }, 1000);
  // Loaded after the first paint (boot.js): the page is usually there already.
  if (document.readyState !== "loading") sync();
})();
