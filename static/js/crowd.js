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

  // What this dancer chose, from pieces rendered for them (data-mine).
  function learn(root) {
    root.querySelectorAll("form.tempo[data-tempo][data-mine]").forEach(function (form) {
      tempo[form.getAttribute("data-tempo")] = form.getAttribute("data-mine");
    });
    root.querySelectorAll("form.thanks[data-thanks][data-mine]").forEach(function (form) {
      thanked[form.getAttribute("data-thanks")] = form.getAttribute("data-mine") === "1";
    });
    root.querySelectorAll("section.poll[data-poll][data-mine]").forEach(function (section) {
      answers[section.getAttribute("data-poll")] = section.getAttribute("data-mine");
    });
  }

  function sync() {
    learn(document);
    document.querySelectorAll("form.tempo[data-tempo]:not([data-mine])").forEach(function (form) {
      paintTempo(form, tempo[form.getAttribute("data-tempo")] || "");
    });
    document.querySelectorAll("form.thanks[data-thanks]:not([data-mine])").forEach(function (form) {
      paintThanks(form, !!thanked[form.getAttribute("data-thanks")]);
    });
    document.querySelectorAll("section.poll[data-poll]").forEach(function (section) {
      if (!section.hasAttribute("data-mine")) paintPoll(section, answers[section.getAttribute("data-poll")]);
      closeIfDue(section);
    });
  }

  // A tap's answer is learnt from the response itself: the room's push of the same change
  // may land first and replace the answered piece before it is ever in the page.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!event.detail.successful || !xhr || xhr.responseText.indexOf("data-mine") < 0) return;
    learnFrom(xhr.responseText);
    sync();
  });

  function learnFrom(html) {
    var answer = document.createElement("template");
    answer.innerHTML = html;
    learn(answer.content);
    return answer.content;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  // A poll answer: shown at once, sent with fetch (it outlives the form, which the room's
  // tally pushes replace meanwhile), and the answer swapped in; a refusal takes it back.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches || !form.matches("form.poll-answer") || !button || !window.fetch) return;
    event.preventDefault();
    var code = form.closest("section.poll").getAttribute("data-poll");
    answers[code] = button.value;
    sync();
    fetch(form.action, {
      method: "POST", credentials: "same-origin", body: new URLSearchParams({ option: button.value }),
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
    }).then(function (response) {
      if (!response.ok) throw response;
      return response.text();
    }).then(function (html) {
      var fresh = learnFrom(html).firstElementChild;
      var slot = document.getElementById("crowd-poll");
      if (slot && fresh) slot.replaceWith(fresh);
      sync();
    }).catch(function () {
      delete answers[code];
      sync();
    });
  });

  // htmx:load fires on content htmx puts in the page, also where an outerHTML swap left
  // the element that asked (and its other events) outside the document.
  ["DOMContentLoaded", "htmx:load", "htmx:afterSwap", "htmx:afterSettle", "htmx:wsAfterMessage"].forEach(function (name) {
    document.addEventListener(name, sync);
  });
  setInterval(function () { document.querySelectorAll("section.poll[data-ends]").forEach(closeIfDue); }, 1000);
  // Loaded after the first paint (boot.js): the page is usually there already.
  if (document.readyState !== "loading") sync();
})();
