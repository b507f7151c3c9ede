"""The set list on an open phone grows one track at a time, in order, headed once."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_tracks_stack_up_newest_first_without_repeats(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    heading = page.locator("#set-list h2")
    expect(heading).to_be_hidden()

    for title in ("One", "Two", "Three", "Four"):
        dj_api.track(live["id"], "Artist", title)
        expect(page.locator("#now-playing .track-title")).to_have_text(title)

    expect(page.locator("#set-list .track .t")).to_have_text(["Three", "Two", "One"])
    expect(heading).to_be_visible()
    expect(heading).to_have_text("Earlier in this set")

    # The same list a fresh visitor gets from the server.
    fresh = phone.open(f"{server.url}/s/{stage.code}", "stage-page-fresh")
    expect(fresh.locator("#set-list .track .t")).to_have_text(["Three", "Two", "One"])
