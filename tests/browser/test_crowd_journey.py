"""The floor talks back, in real browsers: a dancer on a phone votes on the tempo, thanks
the DJ and answers a poll on the stage page; the DJ's dashboard (a laptop window) shows
each live and runs the poll; the next track resets the dancer's buttons in place and keeps
their own answer marked."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_until
from tests.browser.test_dj_journey import sign_in

pytestmark = pytest.mark.browser


def stored(model, **filters):
    from crowd import models

    return getattr(models, model).objects.filter(**filters).count()


def test_a_dancer_votes_thanks_and_answers_while_the_dj_watches(server, stage, dj_api, phone, dj):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    dashboard = phone.open(None, "dj-dashboard", laptop=True)
    sign_in(dashboard, server.url, "dj@example.com", "dance-all-night")
    expect(dashboard.locator(".crowd-panel h2")).to_have_text("The floor")
    dancer = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(dancer.locator("[data-conn]")).to_have_text("Live")

    # Tempo: a big button, pressed at once, counted on the DJ's panel; a second tap clears it.
    faster = dancer.get_by_role("button", name="Faster (tempo of Ghost)")
    box = faster.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390
    faster.tap()
    expect(faster).to_have_attribute("aria-pressed", "true")
    expect(dashboard.locator("#crowd-tempo .tempo-faster .tempo-count")).to_have_text("1")
    faster.tap()
    expect(faster).to_have_attribute("aria-pressed", "false")
    wait_until(lambda: stored("TempoVote") == 0, message="the vote cleared")
    expect(dashboard.locator("#crowd-tempo .tempo-faster .tempo-count")).to_have_text("0")
    dancer.get_by_role("button", name="Slower (tempo of Ghost)").tap()
    wait_until(lambda: stored("TempoVote", choice="slower") == 1, message="the slower vote")

    # Thank you: once, shown to the DJ as it arrives.
    thanks = dancer.get_by_role("button", name=re.compile(r"^Thank the DJ\W+DJ Nova, for Ghost$"))
    thanks.tap()
    expect(dancer.locator("button.thanks-button")).to_have_attribute("aria-pressed", "true")
    expect(dashboard.locator("#crowd-thanks .thanks-total")).to_have_text("1")
    expect(dashboard.locator("#crowd-thanks .thanks-burst")).to_contain_text("+1")

    # A quick poll from the dashboard reaches the phone; the dancer answers once and sees the bars.
    dashboard.get_by_role("button", name="Leads or follows?").click()
    expect(dashboard.locator("#crowd-dj-poll h3").first).to_have_text("Poll running: Leads or follows?")
    expect(dancer.locator("#crowd-poll .poll-question")).to_have_text("Leads or follows?")
    poll = dancer.locator("#crowd-poll section.poll")
    expect(poll.locator(".poll-result").first).to_be_hidden()
    dancer.locator('#crowd-poll button[data-option="1"]').tap()
    expect(poll).to_have_class(re.compile(r"\bis-answered\b"))
    expect(dancer.locator('#crowd-poll button[data-option="1"]')).to_have_attribute("aria-pressed", "true")
    expect(poll.locator(".poll-percent").nth(1)).to_have_text("100%")
    expect(dashboard.locator("#crowd-dj-poll")).to_contain_text("1 answer")

    # The next track: fresh tempo and thank-you buttons in the same place; the answer stays marked.
    before = dancer.locator("#now-playing").bounding_box()["height"]
    dancer.evaluate("window.pikaSamePage = true")
    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    expect(dancer.locator("#now-playing .track-title")).to_have_text("Leave the Door Open")
    expect(dancer.get_by_role("button", name="Slower (tempo of Leave the Door Open)")).to_have_attribute(
        "aria-pressed", "false")
    expect(dancer.locator("button.thanks-button")).to_have_attribute("aria-pressed", "false")
    expect(dancer.locator('#crowd-poll button[data-option="1"]')).to_have_attribute("aria-pressed", "true")
    expect(poll).to_have_class(re.compile(r"\bis-answered\b"))
    assert dancer.locator("#now-playing").bounding_box()["height"] == before
    assert dancer.evaluate("window.pikaSamePage") is True, "the page reloaded"
    expect(dashboard.locator("#crowd-tempo h3")).to_contain_text("Leave the Door Open")

    # The DJ ends the poll: final results on the phone, answers no longer taken.
    dashboard.get_by_role("button", name="End poll now").click()
    expect(dancer.locator("#crowd-poll .poll-state")).to_have_text("Final results")
    expect(dancer.locator('#crowd-poll button[data-option="0"]')).to_be_disabled()
    assert stored("PollAnswer") == 1 and stored("ThankYou") == 1
    # The panel's coalesced push follows within a second or two (a repeat is not sent): let
    # it land before the final screenshot (which marks the inputs with style="", and htmx
    # would copy that over).
    dashboard.wait_for_timeout(2500)
