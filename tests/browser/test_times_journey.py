"""Times read in the viewer's time zone (a Quick Start set), or the event's, labelled."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKYO = ZoneInfo("Asia/Tokyo")  # far from the server's UTC and the event's Paris


def at(moment, zone, fmt="%H:%M"):
    return moment.astimezone(zone).strftime(fmt)


def test_a_quick_start_set_shows_the_phones_time_also_after_pushes(server, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova")
    first = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=20)
    dj_api.post(f"/sessions/{live['id']}/tracks", {"artist": "A", "title": "First", "played_at": first.isoformat()})
    dj_api.track(live["id"], "B", "Second")

    # First visit: the server does not know the zone yet; the page shows Tokyo time anyway.
    page = phone.open(live["url"], "set-page", timezone_id="Asia/Tokyo")
    expect(page.locator("#set-list .track time")).to_have_text([at(first, TOKYO)])
    # From then on the server renders Tokyo time itself (no JavaScript needed to read it).
    html = page.request.get(live["url"]).text()
    assert f'data-local="time">{at(first, TOKYO)}</time>' in html

    expect(page.locator("[data-conn]")).to_have_text("Live")
    dj_api.track(live["id"], "C", "Third")  # pushed: "Second" joins the list, in Tokyo time
    second = page.locator("#set-list .track", has_text="Second").locator("time")
    expect(second).to_have_text(at(datetime.fromisoformat(second.get_attribute("datetime")), TOKYO))

    dj_api.post(f"/sessions/{live['id']}/end")
    ended = page.locator("#now-playing time")
    expect(ended).to_have_attribute("data-local", "day-time")
    expect(ended).to_have_text(at(datetime.fromisoformat(ended.get_attribute("datetime")), TOKYO, "%a %H:%M"))
    assert "UTC" not in page.locator("#live-panel").inner_text()


def test_an_event_stage_shows_the_events_time_and_says_so(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    first = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=20)
    dj_api.post(f"/sessions/{live['id']}/tracks", {"artist": "A", "title": "First", "played_at": first.isoformat()})
    dj_api.track(live["id"], "B", "Second")

    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page", timezone_id="Asia/Tokyo")
    expect(page.locator("#set-list .track time")).to_have_text([at(first, ZoneInfo("Europe/Paris"))])
    expect(page.locator("#set-list .tz-note")).to_have_text("Times in Europe/Paris, the event's time zone.")
