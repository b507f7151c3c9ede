"""The tab names what plays now, and an ended set's open page stops looking live."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_tab_title_follows_every_track_and_the_end_of_the_set(server, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova")
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(live["url"], "set-page")
    expect(page).to_have_title("Ghost · DJ Nova · Pika!")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    page.evaluate("window.pikaSamePage = true")

    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    expect(page).to_have_title("Leave the Door Open · DJ Nova · Pika!")
    dj_api.track(live["id"], "Sade", "Smooth <Operator>")
    expect(page).to_have_title("Smooth <Operator> · DJ Nova · Pika!")

    dj_api.post(f"/sessions/{live['id']}/end")
    expect(page).to_have_title("Set ended · DJ Nova · Pika!")
    assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"


def test_a_stage_tab_names_the_track_and_the_room(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page).to_have_title("Main Floor · Swing Into Spring · Pika!")
    expect(page.locator("[data-conn]")).to_have_text("Live")

    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    expect(page).to_have_title("Ghost · Main Floor · Swing Into Spring · Pika!")
    dj_api.post(f"/sessions/{live['id']}/end")
    expect(page.locator("#now-playing .track-title")).to_have_text("Waiting for the next DJ")
    expect(page).to_have_title("Main Floor · Swing Into Spring · Pika!")


def test_the_set_ended_push_takes_away_the_live_only_parts(server, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ You")
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(live["url"], "set-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    expect(page.locator(".live-status")).to_have_text("Live 1 listening", use_inner_text=True)  # the hidden "stale" note is not shown
    expect(page.locator("[data-push-optin]")).to_be_visible()
    page.evaluate("window.pikaSamePage = true")

    dj_api.post(f"/sessions/{live['id']}/end")

    expect(page.locator("#now-playing .track-title")).to_have_text("This set has ended")
    expect(page.locator("[data-push-optin]")).to_be_hidden()
    expect(page.locator(".live-status")).to_be_hidden()
    expect(page.locator("#set-list h2")).to_have_text("The set")
    expect(page.locator("#set-list .track .t")).to_have_text(["Ghost"])
    assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"
    # What a reload would show: the same, from the server.
    fresh = phone.open(live["url"], "set-page-fresh")
    expect(fresh.locator(".live-status")).to_be_hidden()
    assert fresh.locator("[data-push-optin]").count() == 0
