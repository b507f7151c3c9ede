"""Dancer: scan a stage's QR, see what plays, and watch the next track arrive by itself."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_dancer_sees_the_current_track_and_the_next_one_arrives_without_reload(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")

    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")

    # The first response already shows the track (no waiting for the socket).
    now_playing = page.locator("#now-playing")
    expect(now_playing.locator(".track-title")).to_have_text("Ghost")
    expect(now_playing.locator(".track-artist")).to_have_text("Ella Henderson")
    expect(now_playing.locator(".dj-line")).to_contain_text("DJ Nova is live on Main Floor")
    expect(page.locator(".crumbs")).to_contain_text("Swing Into Spring · Main Floor")
    expect(page.locator(f"#stage-card-{stage.code} .card-track")).to_contain_text("Ghost")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    expect(page.locator("#listeners")).to_have_text("1 listening")

    page.evaluate("window.pikaSamePage = true")
    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")

    expect(now_playing.locator(".track-title")).to_have_text("Leave the Door Open")
    expect(now_playing.locator(".track-artist")).to_have_text("Bruno Mars")
    expect(page.locator("#set-list .track")).to_have_count(1)
    expect(page.locator("#set-list .track .t")).to_have_text("Ghost")
    expect(page.locator(f"#stage-card-{stage.code} .card-track")).to_contain_text("Leave the Door Open")
    assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"

    # Nothing on the page is wider than the phone (no sideways scrolling in the dark).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_title_full_of_html_shows_as_text_on_the_phone(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="<b>DJ</b>", stage=stage.code)
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")

    dj_api.track(live["id"], "<img src=x onerror=alert(1)>", "<script>alert('pwned')</script>")

    title = page.locator("#now-playing .track-title")
    expect(title).to_have_text("<script>alert('pwned')</script>")
    expect(page.locator("#now-playing .track-artist")).to_have_text("<img src=x onerror=alert(1)>")
    expect(page.locator("#now-playing .dj-name")).to_have_text("<b>DJ</b>")
    assert page.locator("#now-playing img, #now-playing script, #now-playing b").count() == 0


def test_a_long_title_wraps_inside_the_phone_screen(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    long_title = "Supercalifragilisticexpialidocious" * 4 + " (Extended WCS Remix)"
    dj_api.track(live["id"], "Somebody With A Very Long Artist Name Featuring Everyone", long_title)

    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")

    expect(page.locator("#now-playing .track-title")).to_have_text(long_title)
    # Measured in one step: the socket's first state may replace the title at any moment.
    box = page.evaluate("(() => { const r = document.querySelector('#now-playing .track-title')"
                        ".getBoundingClientRect(); return {x: r.x, width: r.width}; })()")
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
