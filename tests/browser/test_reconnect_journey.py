"""Reconnect: the server goes away while a phone has the page open, and comes back.

The DJ keeps posting through a second server process on the same database and Redis
(the production shape: several ASGI processes). When the first one returns, the open
page catches up by itself, with no reload, and keeps receiving live tracks.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DjApi

pytestmark = pytest.mark.browser


def test_an_open_page_catches_up_after_the_server_restarts(server, server_process, stage, dj_token, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    other = DjApi(server_process().url, dj_token)

    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    status = page.locator("[data-conn]")
    expect(status).to_have_text("Live")
    page.evaluate("window.pikaSamePage = true")

    with phone.server_down():
        server.stop()
        expect(status).to_have_text("Reconnecting…", timeout=15_000)
        expect(status).to_have_class("conn is-offline")
        other.track(live["id"], "Bruno Mars", "Leave the Door Open")
        server.start()
        # The socket comes back by itself (static/js/pika.js: jittered backoff, refused
        # attempts retried within 1 s), asks with the versions it shows and, as the set
        # moved on meanwhile, is sent the whole current state. Within the backoff's cap (15 s).
        expect(status).to_have_text("Live", timeout=20_000)

    title = page.locator("#now-playing .track-title")
    expect(title).to_have_text("Leave the Door Open")
    expect(page.locator("#set-list .track .t")).to_have_text("Ghost")
    # Still live over the socket, not only caught up once.
    dj_api.track(live["id"], "Tones And I", "Dance Monkey")
    expect(title).to_have_text("Dance Monkey")
    assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"
    other.client.close()
