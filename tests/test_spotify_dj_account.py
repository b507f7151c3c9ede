"""A DJ's own Spotify (optional): connect from the dashboard (PKCE, the same sign-in and
client as the curator account), disconnect, choose whose account Export to Spotify uses,
re-export under the account that made the playlist, and an expired or revoked sign-in is
a clear message that offers the curator account instead, never a 500."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.utils import timezone

from crate import exports
from crate.models import SpotifyAccount, SpotifyPlaylist
from tests.personas import make_owner
from tests.spotify_helpers import connected_account, matched_set

MINE = 'name="under" value="dj"'
CURATORS = 'name="under" value="curator"'


def connect(client, code="dj-code"):
    """The DJ's browser through Spotify's sign-in: Connect, Spotify's page, the callback."""
    response = client.get("/dj/spotify/connect")
    query = {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}
    return response, query, client.get("/spotify/callback", {"code": code, "state": query["state"]}, follow=True)


def export(client, dj_set, **data):
    return client.post(f"/dj/sets/{dj_set.code}/spotify", data, follow=True)


def test_a_dj_connects_their_own_spotify_with_pkce(client, dj, fake_spotify):
    client.force_login(dj)
    assert "Connect my Spotify" in client.get("/dj/").content.decode()
    response, query, done = connect(client)
    assert response["Location"].startswith(fake_spotify.url + "/authorize?")
    assert (query["response_type"], query["code_challenge_method"], query["redirect_uri"]) == (
        "code", "S256", "http://127.0.0.1:8000/spotify/callback")
    assert done.redirect_chain == [("/dj/", 302)]
    page = done.content.decode()
    assert "Spotify connected as Nova. Export to Spotify can now use your own account." in page
    assert "Connected as <strong>Nova</strong>" in page and "Disconnect Spotify" in page
    account = SpotifyAccount.objects.get()
    assert (account.owner, account.spotify_user_id, account.refresh_token) == (dj, "nova-on-spotify", "refresh-nova")
    # Encrypted at rest, like the curator's; and it is not the curator account.
    raw = SpotifyAccount.objects.values_list("access_token_encrypted", "refresh_token_encrypted").get()
    assert "refresh-nova" not in raw[1] and "access-" not in raw[0]
    assert SpotifyAccount.curator() is None
    token_call = next(r for r in fake_spotify.requests if r[1] == "/api/token")
    assert token_call[4]["code_verifier"] and "client_secret" not in token_call[4]


def test_connecting_again_replaces_the_djs_account_and_leaves_the_curators(client, dj, curator, dj_spotify, fake_spotify):
    dj_spotify.mark_revoked()
    client.force_login(dj)
    assert "Reconnect my Spotify" in client.get("/dj/").content.decode()
    connect(client)
    assert SpotifyAccount.objects.filter(owner=dj).count() == 1
    assert SpotifyAccount.of_dj(dj).usable and SpotifyAccount.curator() == curator


def test_a_refused_or_stale_sign_in_is_a_message_not_an_account(client, dj, fake_spotify):
    client.force_login(dj)
    response = client.get("/dj/spotify/connect")
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    # The DJ said no on Spotify's page.
    done = client.get("/spotify/callback", {"error": "access_denied", "state": state}, follow=True)
    assert "Your Spotify account is not connected: access_denied" in done.content.decode()
    # A code Spotify refuses.
    _, _, done = connect(client, code="wrong-code")
    assert "Your Spotify account is not connected: Spotify refused the sign-in (400)." in done.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_connect_and_disconnect_for_the_dj_another_dj_and_anonymous(client, dj, other_dj, fake_spotify, dj_spotify):
    # Anonymous: sent to sign in, nothing happens.
    for response in (client.get("/dj/spotify/connect"), client.post("/dj/spotify/disconnect")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/spotify/callback", {"code": "dj-code", "state": "x"}).status_code == 404
    # Another DJ cannot finish this DJ's sign-in (the state lives in this DJ's session)...
    client.force_login(dj)
    state = parse_qs(urlparse(client.get("/dj/spotify/connect")["Location"]).query)["state"][0]
    other = Client()
    other.force_login(other_dj)
    done = other.get("/spotify/callback", {"code": "dj-code", "state": state}, follow=True)
    assert "That Spotify sign-in is stale or was not started here" in done.content.decode()
    assert SpotifyAccount.of_dj(other_dj) is None
    # ...and their Disconnect removes only their own (none).
    other.post("/dj/spotify/disconnect")
    assert SpotifyAccount.of_dj(dj) == dj_spotify
    # The DJ disconnects theirs: no token kept.
    page = client.post("/dj/spotify/disconnect", follow=True).content.decode()
    assert "Your Spotify account is disconnected: Pika! keeps no token of it." in page
    assert not SpotifyAccount.objects.exists()
    assert client.get("/dj/spotify/disconnect").status_code == 405


def test_the_dj_chooses_their_own_account_and_re_export_updates_it(client, dj, curator, dj_spotify, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert f"{MINE} checked" in page and "My Spotify account (Nova)" in page
    assert CURATORS in page and f"{CURATORS} checked" not in page
    page = export(client, dj_set, under="dj").content.decode()
    assert "Exported 2 tracks to Spotify; 1 not matched yet, so not in it." in page
    assert fake_spotify.playlists["pl1"]["owner"] == "nova-on-spotify"
    assert "under your own Spotify account" in page and "Update the Spotify playlist" in page
    # What is missing, by name, with the way to fix it.
    assert "Not in the playlist (1, not matched to Spotify yet)" in page
    assert '<ul class="not-exported"><li>Unmatched <span class="muted">Artist</span></li></ul>' in page
    # Exporting again (the page's default) updates that playlist under the DJ's account.
    export(client, dj_set)
    assert list(fake_spotify.playlists) == ["pl1"]
    playlist = SpotifyPlaylist.objects.get()
    assert (playlist.under, playlist.spotify_owner_id) == ("dj", "nova-on-spotify")


def test_choosing_the_curator_makes_its_own_playlist_which_re_export_updates(client, dj, curator, dj_spotify, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    export(client, dj_set, under="dj")
    page = export(client, dj_set, under="curator").content.decode()
    assert "Exported 2 tracks to Spotify" in page and "under Pika!'s curator account" in page
    assert {pid: p["owner"] for pid, p in fake_spotify.playlists.items()} == {
        "pl1": "nova-on-spotify", "pl2": "pika-curator"}
    assert f"{CURATORS} checked" in page
    export(client, dj_set)
    assert len(fake_spotify.playlists) == 2
    assert SpotifyPlaylist.objects.get().playlist_id == "pl2"


def test_an_expiring_dj_token_is_refreshed_with_the_djs_refresh_token(client, dj, dj_spotify, fake_spotify):
    dj_spotify.expires_at = timezone.now() + timedelta(seconds=5)
    dj_spotify.save()
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = export(client, dj_set, under="dj").content.decode()
    assert "Exported 2 tracks to Spotify" in page
    refreshes = [r[4] for r in fake_spotify.requests if r[1] == "/api/token"]
    assert [(r["grant_type"], r["refresh_token"]) for r in refreshes] == [("refresh_token", "refresh-nova")]
    dj_spotify.refresh_from_db()
    assert dj_spotify.expires_at > timezone.now() + timedelta(minutes=50)
    assert fake_spotify.playlists["pl1"]["owner"] == "nova-on-spotify"


def test_a_revoked_dj_sign_in_is_a_clear_message_and_offers_the_curator(client, dj, curator, dj_spotify, fake_spotify):
    fake_spotify.valid_tokens.discard(dj_spotify.access_token)
    fake_spotify.revoked.add("refresh-nova")
    dj_set = matched_set(dj)
    client.force_login(dj)
    response = export(client, dj_set, under="dj")
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Your Spotify account no longer lets Pika! in (the sign-in expired or was revoked): "
            "reconnect it on your DJ dashboard, or export under Pika!&#x27;s curator account.") in page
    assert fake_spotify.playlists == {}
    assert SpotifyAccount.of_dj(dj).needs_reconnect
    # The page now offers the curator account, the DJ's own greyed out with the way back.
    assert f"{CURATORS} checked" in page and f"{MINE} disabled" in page
    assert "Your Spotify sign-in expired or was revoked" in page
    assert "expired or was revoked" in client.get("/dj/").content.decode()
    page = export(client, dj_set, under="curator").content.decode()
    assert "Exported 2 tracks to Spotify" in page
    assert fake_spotify.playlists["pl1"]["owner"] == "pika-curator"


def test_a_revoked_dj_sign_in_without_a_curator_says_what_to_do(client, dj, dj_spotify, fake_spotify):
    dj_spotify.mark_revoked()
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert "No Spotify account can take the playlist right now: reconnect yours on your dashboard." in page
    assert "Export to Spotify</button>" not in page
    page = export(client, dj_set, under="dj").content.decode()
    assert "Your Spotify account no longer lets Pika! in" in page
    assert fake_spotify.requests == []


def test_nothing_connected_then_only_the_djs_own_account(client, dj, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert "No Spotify account is connected yet" in page and "Export to Spotify</button>" not in page
    # Asking for one's own account without having linked one: a message, no call.
    page = export(client, dj_set, under="dj").content.decode()
    assert "Your own Spotify account is not connected: connect it on your DJ dashboard" in page
    assert fake_spotify.requests == []
    connected_account(fake_spotify, owner=dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert f"{MINE} checked" in page and CURATORS not in page
    assert "Exported 2 tracks" in export(client, dj_set, under="dj").content.decode()


def test_only_the_curator_offers_no_choice(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert '<input type="hidden" name="under" value="curator">' in page and MINE not in page
    assert "connect your own Spotify</a> to have it under yours" in page


def test_disconnecting_and_reconnecting_the_same_spotify_user_updates_the_same_playlist(
        client, dj, curator, dj_spotify, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    export(client, dj_set, under="dj")
    client.post("/dj/spotify/disconnect")
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert MINE not in page and "Export to Spotify</button>" in page  # the curator, as a new playlist
    connect(client)
    export(client, dj_set, under="dj")
    assert list(fake_spotify.playlists) == ["pl1"]


def test_a_busy_spotify_retries_under_the_djs_account(client, dj, curator, dj_spotify, fake_spotify):
    fake_spotify.scripts["POST /v1/me/playlists"] = [(429, {"Retry-After": "600"})]
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = export(client, dj_set, under="dj").content.decode()
    # Tasks run inline in tests: the queued retry has already made the playlist.
    assert "Exported 2 tracks to Spotify" in page
    assert fake_spotify.playlists["pl1"]["owner"] == "nova-on-spotify"


def test_a_spotify_app_in_development_mode_refusing_the_dj_is_explained(client, dj, dj_spotify, fake_spotify):
    fake_spotify.scripts["POST /v1/me/playlists"] = [(403, {})]
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = export(client, dj_set, under="dj").content.decode()
    assert "a Spotify app in development mode works only for the users its owner added" in page
    assert not SpotifyAccount.of_dj(dj).needs_reconnect


def test_another_dj_and_anonymous_cannot_export_a_set_under_any_account(client, dj, other_dj, dj_spotify, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(other_dj)
    connected_account(fake_spotify, owner=other_dj)
    for under in ("dj", "curator"):
        assert client.post(f"/dj/sets/{dj_set.code}/spotify", {"under": under}).status_code == 404
        assert client.get(f"/dj/sets/{dj_set.code}").status_code == 404
    client.logout()
    response = client.post(f"/dj/sets/{dj_set.code}/spotify", {"under": "dj"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert fake_spotify.playlists == {} and not SpotifyPlaylist.objects.exists()


def test_without_spotify_configured_the_dashboard_says_so_and_connect_does_nothing(client, dj, settings):
    settings.PIKA_SPOTIFY_CLIENT_ID = ""
    client.force_login(dj)
    page = client.get("/dj/").content.decode()
    assert "Spotify is not set up on this Pika!" in page and "Connect my Spotify" not in page
    done = client.get("/dj/spotify/connect", follow=True)
    assert done.redirect_chain == [("/dj/", 302)]
    assert "Spotify is not set up on this Pika!: your setlists&#x27; downloads work without it." in done.content.decode()


def test_the_owner_sees_a_djs_account_in_the_admin_without_tokens(dj, dj_spotify, curator):
    admin = Client()
    admin.force_login(make_owner())
    html = admin.get("/admin/crate/spotifyaccount/").content.decode()
    assert "Nova" in html and "Pika! Curator" in html
    assert dj_spotify.refresh_token not in html and "access-" not in html


@pytest.mark.parametrize("under", ["dj", "curator", None, "nonsense"])
def test_the_default_is_the_account_that_made_the_playlist(dj, curator, dj_spotify, fake_spotify, under):
    dj_set = matched_set(dj)
    exports.export_set(dj_set, under)
    made = SpotifyPlaylist.objects.get().under
    # Nothing chosen (or nonsense): the DJ's own while it works.
    assert made == (under if under in ("dj", "curator") else "dj")
    assert exports.choices(dj, SpotifyPlaylist.objects.get())["default"] == made


@pytest.mark.parametrize("titles", [("Ghost", "Valerie", "Unmatched"), tuple(f"Song {n}" for n in range(30)) + ("Unmatched",)])
def test_the_exported_set_page_costs_the_same_queries_for_any_set_size(
        client, dj, curator, dj_spotify, fake_spotify, django_assert_num_queries, titles):
    dj_set = matched_set(dj, titles)
    client.force_login(dj)
    export(client, dj_set, under="dj")
    # Session, user, set, tracks, likes, playlist, DJ's account, curator, tracks and their recordings.
    with django_assert_num_queries(10):
        page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert f"Exported {len(titles) - 1} tracks to Spotify" in page and "Not in the playlist (1," in page
