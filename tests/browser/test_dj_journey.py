"""DJ: sign in, make a token, go live, type a track, watch it reach a dancer, end the set."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from stages.models import DJSet

pytestmark = pytest.mark.browser


def sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base_url}/dj/")


def test_a_dj_goes_live_types_a_track_a_dancer_sees_it_and_the_set_ends(server, dj, phone):
    dashboard = phone.open(None, "dj-dashboard")
    sign_in(dashboard, server.url, "dj@example.com", "dance-all-night")
    expect(dashboard.get_by_role("heading", name="DJ dashboard")).to_be_visible()

    # A token for the agent: shown once, and it works against the API.
    dashboard.get_by_label("Token name").fill("Laptop — VirtualDJ")
    dashboard.get_by_role("button", name="Create token").click()
    secret = dashboard.locator("#new-token")
    expect(secret).to_be_visible()
    token = secret.inner_text().strip()
    assert len(token) >= 32
    expect(dashboard.locator(".token-name")).to_have_text("Laptop — VirtualDJ")
    listed = httpx.get(f"{server.url}/api/v1/stages", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200, listed.text

    # Go Live (Quick Start): a QR and a short link to share.
    expect(dashboard.get_by_role("link", name="Quick Start")).to_have_attribute("aria-current", "page")
    dashboard.get_by_label("Your DJ name").fill("DJ Nova")
    dashboard.get_by_role("button", name="Go Live").click()
    expect(dashboard.locator(".dj-line").first).to_contain_text("You're live as DJ Nova")
    dj_set = DJSet.objects.get(dj=dj, ended_at__isnull=True)
    share = dashboard.locator("#share-link")
    expect(share).to_have_attribute("href", f"/live/{dj_set.code}")
    expect(share).to_have_text(f"{server.url}/live/{dj_set.code}")
    qr = dashboard.get_by_role("img", name=re.compile("QR code to"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0

    # A dancer on their own phone opens the link.
    dancer = phone.open(f"{server.url}/live/{dj_set.code}", "dancer-session-page")
    expect(dancer.locator("#now-playing .track-title")).to_have_text("The first track is coming up")
    expect(dancer.locator("[data-conn]")).to_have_text("Live")
    dancer.evaluate("window.pikaSamePage = true")
    # The DJ sees the dancer arrive (counts are coalesced: about a second).
    expect(dashboard.locator("#listeners")).to_have_text("1 listening")

    # The DJ types the track by hand.
    dashboard.get_by_label("Title").fill("Ghost")
    dashboard.get_by_label("Artist").fill("Ella Henderson")
    dashboard.get_by_role("button", name="Post track").click()
    expect(dashboard.get_by_label("Title")).to_have_value("")
    expect(dashboard.locator("#now-playing .track-title")).to_have_text("Ghost")

    expect(dancer.locator("#now-playing .track-title")).to_have_text("Ghost")
    expect(dancer.locator("#now-playing .track-artist")).to_have_text("Ella Henderson")
    expect(dancer).to_have_title(re.compile("^Ghost · DJ Nova|^DJ Nova"))

    dashboard.get_by_role("button", name="End set").click()
    expect(dashboard.locator(".messages")).to_contain_text("Set ended")
    # A set with tracks ends on "Verify your tracks"; the dashboard is one tap away.
    expect(dashboard.get_by_role("heading", name="Verify your tracks")).to_be_visible()
    dashboard.get_by_role("link", name="DJ dashboard").click()
    expect(dashboard.get_by_role("button", name="Go Live")).to_be_visible()
    expect(dashboard.locator(".past-sets")).to_contain_text("DJ Nova · 1 track")

    expect(dancer.locator("#now-playing .track-title")).to_have_text("This set has ended")
    expect(dancer.locator("#set-list .track .t")).to_have_text("Ghost")
    assert dancer.evaluate("window.pikaSamePage") is True, "the dancer's page reloaded"
    assert dj_set.tracks.count() == 1


def test_a_track_sent_while_the_database_restarts_stays_typed_and_goes_on_the_next_tap(server, dj, phone):
    dashboard = phone.open(None, "dj-dashboard")
    sign_in(dashboard, server.url, "dj@example.com", "dance-all-night")
    dashboard.get_by_label("Your DJ name").fill("DJ Nova")
    dashboard.get_by_role("button", name="Go Live").click()
    dj_set = DJSet.objects.get(dj=dj, ended_at__isnull=True)
    # htmx loads after the first paint (boot.js): until then the form would post as a plain page.
    dashboard.wait_for_function("() => window.htmx !== undefined")

    # The first send lands in the database's restart: the server's own 503 for an htmx form
    # (pika.middleware), served in place of the real answer for this one request.
    def restarting(route):
        route.fulfill(status=503, headers={"Retry-After": "2"}, content_type="text/plain; charset=utf-8",
                      body="The database is restarting; nothing was stored yet.")

    track_url = f"{server.url}/dj/sets/{dj_set.code}/tracks"
    dashboard.route(track_url, restarting)
    dashboard.get_by_label("Title").fill("Ghost")
    dashboard.get_by_label("Artist").fill("Ella Henderson")
    with phone.server_busy():
        dashboard.get_by_role("button", name="Post track").click()
        note = dashboard.get_by_role("alert")
        expect(note).to_have_text(
            "The database is restarting; nothing was stored yet. Your entry is kept: send it again.")
    expect(dashboard.get_by_label("Title")).to_have_value("Ghost")
    expect(dashboard.get_by_label("Artist")).to_have_value("Ella Henderson")
    assert not dj_set.tracks.exists()

    # The database is back: one more tap stores it once and clears the form and the note.
    dashboard.unroute(track_url, restarting)
    dashboard.get_by_role("button", name="Post track").click()
    expect(dashboard.get_by_label("Title")).to_have_value("")
    expect(dashboard.locator("#now-playing .track-title")).to_have_text("Ghost")
    expect(dashboard.locator("[data-retry-note]")).to_have_count(0)
    assert list(dj_set.tracks.values_list("title", "artist")) == [("Ghost", "Ella Henderson")]
