"""A DJ links their own Spotify from the dashboard (through the local fake Spotify's
consent page), exports a set under it, loses the sign-in and falls back to the curator
account, then disconnects: on a phone, every state axe-audited."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dj_journey import sign_in
from tests.spotify_helpers import matched_set

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def spotify_server(server_process, fake_spotify):
    """The app server, configured for the fake Spotify the test process runs."""
    return server_process(PIKA_SPOTIFY_CLIENT_ID="pika-test-client",
                          PIKA_SPOTIFY_API_URL=fake_spotify.url, PIKA_SPOTIFY_ACCOUNTS_URL=fake_spotify.url)


@pytest.fixture
def finished_set(dj, spotify_server):
    """Made before the browser opens (its loop would refuse the live sends)."""
    return matched_set(dj)


def test_a_dj_links_their_spotify_exports_under_it_falls_back_and_disconnects(
        spotify_server, fake_spotify, dj, curator, finished_set, phone):
    page = phone.open(None, "dj-spotify")
    sign_in(page, spotify_server.url, "dj@example.com", "dance-all-night")
    card = page.locator("#spotify")
    expect(card).to_contain_text("Optional: connect your own Spotify")

    # Connect: off to Spotify's consent page and back, signed in as the DJ's Spotify user.
    card.get_by_role("link", name="Connect my Spotify").click()
    expect(page).to_have_url(f"{spotify_server.url}/dj/")
    expect(page.locator(".messages")).to_contain_text("Spotify connected as Nova.")
    expect(card).to_contain_text("Connected as Nova")
    (consent,) = fake_spotify.authorized
    assert consent["code_challenge_method"] == "S256" and consent["redirect_uri"] == f"{spotify_server.url}/spotify/callback"

    # Export under the DJ's own account (the default once linked).
    page.locator(".past-sets a").first.click()
    mine = page.get_by_role("radio", name="My Spotify account (Nova)")
    expect(mine).to_be_checked()
    phone.audit(page)
    page.get_by_role("button", name="Export to Spotify").click()
    expect(page.locator(".messages")).to_contain_text("Exported 2 tracks to Spotify; 1 not matched yet, so not in it.")
    expect(page.get_by_role("link", name="Open the playlist on Spotify")).to_have_attribute(
        "href", "https://open.spotify.com/playlist/pl1")
    expect(page.locator(".spotify-export")).to_contain_text("under your own Spotify account")
    expect(page.locator(".not-exported li")).to_have_text(["Unmatched Artist"])
    assert fake_spotify.playlists["pl1"]["owner"] == "nova-on-spotify"

    # The DJ revokes Pika! in their Spotify settings: a clear message, the curator offered.
    fake_spotify.valid_tokens.clear()
    fake_spotify.revoked.add("refresh-nova")
    page.get_by_role("button", name="Update the Spotify playlist").click()
    expect(page.locator(".messages")).to_contain_text("Your Spotify account no longer lets Pika! in")
    expect(page.get_by_role("radio", name="My Spotify account (Nova)")).to_be_disabled()
    expect(page.get_by_role("radio", name="Pika!'s curator account")).to_be_checked()
    phone.audit(page)
    page.get_by_role("button", name="Export to Spotify").click()
    expect(page.locator(".messages")).to_contain_text("Exported 2 tracks to Spotify")
    expect(page.locator(".spotify-export")).to_contain_text("under Pika!'s curator account")
    assert fake_spotify.playlists["pl2"]["owner"] == "pika-curator"

    # The dashboard says the sign-in expired; the DJ disconnects.
    page.get_by_role("link", name="DJ dashboard").click()
    expect(card).to_contain_text("expired or was revoked")
    expect(card.get_by_role("link", name="Reconnect my Spotify")).to_be_visible()
    phone.audit(page)
    card.get_by_role("button", name="Disconnect Spotify").click()
    expect(page.locator(".messages")).to_contain_text("Your Spotify account is disconnected")
    expect(card.get_by_role("link", name="Connect my Spotify")).to_be_visible()
