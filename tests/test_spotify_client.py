"""The one Spotify client against a real local HTTP server speaking the Web API's shapes:
token refresh, search (ISRC first), create playlist, items in chunks of 100, 429."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crate import spotify
from crate.models import SpotifyAccount


@pytest.fixture
def account(curator):
    return curator


def test_tokens_are_encrypted_at_rest(account):
    stored = SpotifyAccount.objects.values("access_token_encrypted", "refresh_token_encrypted").get()
    assert "refresh-1" not in stored["refresh_token_encrypted"]
    assert "access-" not in stored["access_token_encrypted"]
    assert SpotifyAccount.objects.get().refresh_token == "refresh-1"


def test_an_expiring_token_is_refreshed_before_the_call(account, fake_spotify):
    account.expires_at = timezone.now() + timedelta(seconds=5)
    account.save()
    assert spotify.SpotifyClient(account).me()["id"] == "pika-curator"
    token_calls = [r for r in fake_spotify.requests if r[1] == "/api/token"]
    assert [r[4]["grant_type"] for r in token_calls] == ["refresh_token"]
    assert token_calls[0][4]["client_id"] == "pika-test-client"
    account.refresh_from_db()
    assert account.access_token == "access-2" and account.refresh_token == "refresh-1"
    assert account.expires_at > timezone.now() + timedelta(minutes=50)


def test_a_401_refreshes_once_and_retries(account, fake_spotify):
    fake_spotify.valid_tokens.clear()  # Spotify revoked the access token early
    assert spotify.SpotifyClient(account).me()["display_name"] == "Pika! Curator"
    assert [(m, p) for m, p, *_ in fake_spotify.requests] == [("GET", "/v1/me"), ("POST", "/api/token"), ("GET", "/v1/me")]


def test_search_tries_the_isrc_first_then_artist_and_title(account, fake_spotify):
    ghost = {"uri": "spotify:track:6habFhsOp2NvshLv26DqMb", "name": "Ghost"}
    fake_spotify.tracks["artist:Ella Henderson track:Ghost"] = [ghost]
    client = spotify.SpotifyClient(account)
    assert client.search_track("Ella Henderson", "Ghost", isrc="GBARL1400001") == ghost
    assert [r[2]["q"] for r in fake_spotify.requests] == ["isrc:GBARL1400001", "artist:Ella Henderson track:Ghost"]
    fake_spotify.tracks["isrc:GBARL1400001"] = [ghost]
    fake_spotify.requests.clear()
    assert client.search_track("Ella Henderson", "Ghost", isrc="GBARL1400001") == ghost
    assert len(fake_spotify.requests) == 1
    assert client.search_track("Nobody", "Nothing") is None


def test_a_playlist_is_created_and_filled_in_chunks_of_100(account, fake_spotify):
    client = spotify.SpotifyClient(account)
    created = client.create_playlist("DJ Nova · Swing Fling", "Played live")
    uris = [f"spotify:track:{n:022d}" for n in range(250)]
    client.set_items(created["id"], uris)
    calls = [(m, p, len(b["uris"])) for m, p, _, _, b in fake_spotify.requests if p.endswith("/items")]
    assert calls == [("PUT", "/v1/playlists/pl1/items", 100), ("POST", "/v1/playlists/pl1/items", 100),
                     ("POST", "/v1/playlists/pl1/items", 50)]
    assert fake_spotify.playlists["pl1"]["items"] == uris
    assert fake_spotify.playlists["pl1"]["public"] is True
    assert ("POST", "/v1/me/playlists") in [(m, p) for m, p, *_ in fake_spotify.requests]


def test_a_short_429_is_waited_out_using_retry_after(account, fake_spotify, settings, monkeypatch):
    waits = []
    monkeypatch.setattr(spotify.time, "sleep", waits.append)
    fake_spotify.scripts["GET /v1/me"] = [(429, {"Retry-After": "2"})]
    assert spotify.SpotifyClient(account).me()["id"] == "pika-curator"
    assert waits == [2]


def test_a_long_429_is_raised_with_its_wait(account, fake_spotify, settings):
    fake_spotify.scripts["GET /v1/me"] = [(429, {"Retry-After": "120"})]
    with pytest.raises(spotify.SpotifyUnavailable) as raised:
        spotify.SpotifyClient(account).me()
    assert raised.value.retry_after == 120


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_unavailable_not_a_crash(account, fake_spotify, status):
    fake_spotify.scripts["GET /v1/me"] = [(status, {})]
    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.SpotifyClient(account).me()


def test_an_unreachable_spotify_is_unavailable(account, fake_spotify, settings):
    settings.PIKA_SPOTIFY_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(spotify.SpotifyUnavailable):
        spotify.SpotifyClient(account).me()


def test_tokens_that_no_longer_decrypt_are_a_sign_in_to_make_again(account, fake_spotify, settings):
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40  # rotated: the stored tokens are unreadable
    with pytest.raises(spotify.SpotifyRevoked):
        spotify.SpotifyClient(account).me()
    account.refresh_from_db()
    assert account.needs_reconnect and fake_spotify.requests == []


def test_a_refused_refresh_marks_the_account_for_reconnecting(account, fake_spotify):
    fake_spotify.valid_tokens.clear()
    fake_spotify.revoked.add("refresh-1")
    with pytest.raises(spotify.SpotifyRevoked):
        spotify.SpotifyClient(account).me()
    account.refresh_from_db()
    assert account.needs_reconnect
    assert [(m, p) for m, p, *_ in fake_spotify.requests] == [("GET", "/v1/me"), ("POST", "/api/token")]
