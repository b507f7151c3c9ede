"""The booth beside the floor: the DJ's live view in a laptop window, a dancer's phone on the
set's page and the lobby. Likes, a tempo vote, a thank-you and a poll answer from the phone
reach the booth, tracks move everything on, the phone says when it is offline and stale,
and the ended set leads to its recap."""

import re

import pytest
from playwright.sync_api import expect

from recaps.models import TrackRating
from tests.browser.conftest import wait_until
from tests.browser.test_dj_journey import sign_in

pytestmark = pytest.mark.browser


def test_the_booth_beside_a_phone_and_the_lobby(server, stage, dj, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")

    booth = phone.open(None, "booth", laptop=True)
    sign_in(booth, server.url, "dj@example.com", "dance-all-night")
    booth.get_by_role("link", name="Booth view").click()
    expect(booth).to_have_url(f"{server.url}/dj/sets/{live['code']}/live")
    expect(booth.locator("#now-playing .track-title")).to_have_text("Ghost")
    expect(booth.locator("[data-wake-status]")).to_have_text(re.compile(r"^(Screen stays awake|Screen may sleep.*)$"))
    expect(booth.locator("[data-elapsed]")).to_have_text(re.compile(r"^0:0\d$"))

    dancer = phone.open(f"{server.url}/live/{live['code']}", "dancer")
    expect(dancer.locator("[data-conn]")).to_have_text("Live")
    lobby = phone.open(f"{server.url}/live", "lobby")
    expect(lobby.locator("#lobby-live")).to_contain_text("Main Floor · Swing Into Spring")
    expect(lobby.locator("#lobby-live .card-track .t")).to_have_text("Ghost")

    # The phone is one listener; its heart reaches the booth within the second.
    expect(booth.locator("#listeners")).to_have_text("1 listening")
    dancer.get_by_role("button", name="Like Ghost").first.click()
    expect(booth.locator(".booth-likes-line")).to_have_text("1 person liked Ghost")

    # The floor talks back: a tempo vote, a thank-you, and an answer to the DJ's poll.
    panel = booth.locator(".crowd-panel")
    dancer.get_by_role("button", name="Slower (tempo of Ghost)").click()
    expect(panel.locator(".tempo-slower .tempo-count")).to_have_text("1")
    dancer.get_by_role("button", name=re.compile(r"^Thank the DJ\b.*DJ Nova.*Ghost")).click()
    expect(panel.locator(".thanks-total")).to_have_text("1")
    panel.get_by_role("button", name="Leads or follows?").click()
    expect(panel.locator(".dj-poll h3")).to_have_text("Poll running: Leads or follows?")
    expect(dancer.locator(".poll-question")).to_have_text("Leads or follows?")
    dancer.locator(".poll-option", has_text="Follow").click()
    expect(panel.locator(".poll-results li", has_text="Follow").locator("strong")).to_have_text("1")
    expect(panel.locator(".poll-results li", has_text="Lead").first.locator("strong")).to_have_text("0")

    # The next track: the booth, the phone and (coalesced) the lobby move on.
    dj_api.track(live["id"], "Fleetwood Mac", "Dreams")
    expect(booth.locator("#now-playing .track-title")).to_have_text("Dreams")
    expect(booth.locator(".booth-likes-line")).to_have_text("0 people liked Dreams")
    expect(dancer.locator("#now-playing .track-title")).to_have_text("Dreams")
    expect(lobby.locator("#lobby-live .card-track .t")).to_have_text("Dreams")

    # The DJ marks Ghost a peak, privately, without leaving the booth.
    ghost_form = booth.locator(".booth-play", has_text="Ghost").locator("form")
    ghost_form.get_by_label("Peak").check()
    ghost_form.get_by_label("Private note on Ghost").fill("everyone sang")
    ghost_form.get_by_role("button", name="Save").click()
    expect(booth.locator(".booth-play", has_text="Ghost").get_by_role("status")).to_have_text("Saved")
    wait_until(lambda: TrackRating.objects.filter(verdict="peak", note="everyone sang").exists(), message="the rating")

    # The phone loses the server: quietly "Reconnecting…", then the track is marked stale.
    dancer.evaluate("document.querySelector('[data-poll-url]').setAttribute('data-stale-ms', '3000')")
    with phone.server_down():
        server.stop()
        expect(dancer.locator("[data-conn]")).to_have_text("Reconnecting…", timeout=15_000)
        expect(dancer.locator("[data-stale]")).to_be_visible(timeout=10_000)
        expect(dancer.locator("[data-stale]")).to_contain_text("Stale: offline since")
        expect(dancer.locator("#now-playing")).to_have_class(re.compile(r"\bis-stale\b"))
        server.start()
        expect(dancer.locator("[data-conn]")).to_have_text("Live", timeout=20_000)
    expect(dancer.locator("[data-stale]")).to_be_hidden()
    expect(dancer.locator("#now-playing")).not_to_have_class(re.compile(r"\bis-stale\b"))
    expect(booth.locator("#now-playing .track-title")).to_have_text("Dreams", timeout=20_000)

    # The set ends from the booth: the phone says so and links to the recap.
    phone.audit(booth)
    booth.get_by_role("button", name="End set").click()
    expect(dancer.locator("#now-playing .track-title")).to_have_text("This set has ended")
    dancer.get_by_role("link", name="See the recap").click()
    expect(dancer).to_have_url(f"{server.url}/recap/{live['code']}")
    expect(dancer.locator('[data-recap="tracks"]')).to_have_text("2")
    expect(dancer.locator('[data-recap="likes"]')).to_have_text("1")
    expect(dancer.locator('[data-recap="thanks"]')).to_have_text("1")
    expect(dancer.locator('[data-floor="1"]')).to_have_text("Tempo: 1 slower · 0 perfect · 0 faster · 1 thank-you")
    expect(dancer.locator('[data-recap="peak"]')).to_have_text("Ghost")
    expect(dancer.locator("body")).not_to_contain_text("everyone sang")
    # The lobby's socket came back on its own jittered backoff (at most 15 s after the
    # restart) and was sent the whole current state, or the coalesced update if it was back.
    expect(lobby.locator("#lobby-live")).to_contain_text("Nobody is live right now", timeout=20_000)
    expect(lobby.locator("#lobby-recaps")).to_contain_text("DJ Nova")

    # Back home, the DJ's logbook keeps the verdict and the note (checked by axe as well).
    booth.goto(f"{server.url}/dj/sets/{live['code']}/logbook")
    expect(booth.locator('[data-logbook="peak"]')).to_have_text("1")
    expect(booth.locator('[data-logbook="thanks"]')).to_have_text("1")
    expect(booth.get_by_label("Private note on Ghost")).to_have_value("everyone sang")
