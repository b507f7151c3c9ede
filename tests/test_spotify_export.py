"""The curator account (PKCE connect by the owner) and Export to Spotify for a DJ's set:
played order, re-export updates the same playlist, 0 matched is a message, Spotify down is
a state, and without Spotify configured every page works and says so."""

from urllib.parse import parse_qs, urlparse

import pytest

from crate import verification
from crate.models import SpotifyAccount, SpotifyPlaylist, Track
from tests.personas import make_dj, make_owner
from tests.spotify_helpers import matched_set


def test_the_owner_connects_the_curator_account_with_pkce(client, db, fake_spotify):
    client.force_login(make_owner())
    response = client.get("/spotify/connect")
    target = urlparse(response["Location"])
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert response["Location"].startswith(fake_spotify.url + "/authorize?")
    assert (query["response_type"], query["code_challenge_method"], query["client_id"]) == ("code", "S256", "pika-test-client")
    assert "playlist-modify-public" in query["scope"]
    page = client.get("/spotify/callback", {"code": "good-code", "state": query["state"]})
    assert "Connected as <strong>Pika! Curator</strong>" in page.content.decode()
    account = SpotifyAccount.objects.get()
    assert (account.spotify_user_id, account.refresh_token) == ("pika-curator", "refresh-1")
    token_call = next(r for r in fake_spotify.requests if r[1] == "/api/token")
    assert token_call[4]["code_verifier"] and "client_secret" not in token_call[4]


def test_a_callback_with_a_wrong_state_is_refused(client, db, fake_spotify):
    client.force_login(make_owner())
    client.get("/spotify/connect")
    response = client.get("/spotify/callback", {"code": "good-code", "state": "forged"})
    assert response.status_code == 400
    assert not SpotifyAccount.objects.exists()


def test_only_the_owner_may_connect(client, fake_spotify, dj):
    assert client.get("/spotify/connect").status_code == 404
    assert client.get("/spotify/callback", {"code": "good-code", "state": "x"}).status_code == 404
    client.force_login(dj)
    assert client.get("/spotify/connect").status_code == 404
    # A DJ at the callback without a sign-in of their own started: a message, no account.
    response = client.get("/spotify/callback", {"code": "good-code", "state": "x"}, follow=True)
    assert response.redirect_chain == [("/dj/", 302)]
    assert "That Spotify sign-in is stale or was not started here: connect again." in response.content.decode()
    assert not SpotifyAccount.objects.exists()


def test_export_creates_a_public_playlist_in_played_order_and_reports_the_missing(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.post(f"/dj/sets/{dj_set.code}/spotify", follow=True).content.decode()
    assert "Exported 2 tracks to Spotify; 1 not matched yet, so not in it." in page
    playlist = fake_spotify.playlists["pl1"]
    assert playlist["items"] == [f"spotify:track:{0:022d}", f"spotify:track:{1:022d}"]
    assert playlist["name"].startswith("DJ Nova · ") and playlist["public"] is True
    assert 'href="https://open.spotify.com/playlist/pl1"' in page
    assert "Update the Spotify playlist" in page


def test_re_export_updates_the_same_playlist(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(dj)
    client.post(f"/dj/sets/{dj_set.code}/spotify")
    unmatched = dj_set.tracks.get(title="Unmatched")
    verification.confirm(dj, unmatched, Track.objects.create(artist="A", title="U", spotify_uri="spotify:track:" + "u" * 22))
    client.post(f"/dj/sets/{dj_set.code}/spotify")
    assert list(fake_spotify.playlists) == ["pl1"]
    assert len(fake_spotify.playlists["pl1"]["items"]) == 3
    assert SpotifyPlaylist.objects.get().added == 3


def test_zero_matched_tracks_is_a_message_not_an_empty_playlist(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj, titles=("Unmatched",))
    client.force_login(dj)
    page = client.post(f"/dj/sets/{dj_set.code}/spotify", follow=True).content.decode()
    assert "None of these tracks is matched to Spotify yet: verify your tracks first." in page
    assert fake_spotify.playlists == {}


def test_spotify_busy_is_retried_later_by_a_queued_task(client, dj, curator, fake_spotify, monkeypatch):
    from crate import exports

    queued = []
    real_later = exports.later
    monkeypatch.setattr(exports, "later", lambda delay, *task: (queued.append((delay, *task)), real_later(delay, *task)))
    dj_set = matched_set(dj)
    fake_spotify.scripts["POST /v1/me/playlists"] = [(429, {"Retry-After": "600"})]
    client.force_login(dj)
    page = client.post(f"/dj/sets/{dj_set.code}/spotify", follow=True).content.decode()
    playlist = SpotifyPlaylist.objects.get()
    assert queued == [(600, "crate.tasks.retry_spotify_export", playlist.pk, 1)]
    # Tasks run inline in tests: the retry has already filled the playlist.
    assert "Exported 2 tracks to Spotify" in page
    assert len(fake_spotify.playlists["pl1"]["items"]) == 2


def test_spotify_down_for_good_is_a_state_the_dj_sees_never_a_500(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj)
    fake_spotify.scripts["POST /v1/me/playlists"] = [(503, {})] * 4  # the first try and three retries
    client.force_login(dj)
    response = client.post(f"/dj/sets/{dj_set.code}/spotify", follow=True)
    assert response.status_code == 200
    assert "Spotify is busy or unreachable (Spotify answered 503.). Try again later." in response.content.decode()
    assert fake_spotify.playlists == {}
    assert "Export to Spotify" in response.content.decode()


def test_another_djs_set_cannot_be_exported(client, dj, curator, fake_spotify):
    dj_set = matched_set(dj)
    client.force_login(make_dj("other@example.com"))
    assert client.post(f"/dj/sets/{dj_set.code}/spotify").status_code == 404
    client.logout()
    assert client.post(f"/dj/sets/{dj_set.code}/spotify").status_code == 302
    assert fake_spotify.playlists == {}


def test_without_spotify_configured_every_page_works_and_says_so(client, dj, settings):
    settings.PIKA_SPOTIFY_CLIENT_ID = ""
    dj_set = matched_set(dj)
    client.force_login(dj)
    page = client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert "Spotify is not set up on this Pika!" in page and "Export to Spotify" not in page
    page = client.post(f"/dj/sets/{dj_set.code}/spotify", follow=True).content.decode()
    assert "Spotify is not set up on this Pika!: use the M3U, CSV or text download instead." in page
    assert client.get(f"/setlist/{dj_set.code}").status_code == 200
    assert client.get(f"/dj/sets/{dj_set.code}/verify").status_code == 200
    client.force_login(make_owner())
    response = client.get("/spotify/connect")
    assert response.status_code == 503 and "PIKA_SPOTIFY_CLIENT_ID" in response.content.decode()


def liked(dancer, dj, titles=("Ghost", "Leave the Door Open", "Unmatched")):
    from crate.models import Like

    dj_set = matched_set(dj, titles)
    for track in dj_set.tracks.order_by("played_at", "pk"):
        Like.objects.create(track=track, user=dancer)
    return dj_set


def test_export_my_likes_makes_a_playlist_of_the_matched_ones(client, dj, curator, fake_spotify):
    dancer = make_dj("dancer@example.com", "Dana")
    liked(dancer, dj)
    client.force_login(dancer)
    page = client.get("/likes/").content.decode()
    assert "Export my likes to Spotify" in page
    page = client.post("/likes/spotify", follow=True).content.decode()
    assert "Exported 2 tracks to Spotify; 1 not matched yet, so not in it." in page
    # The unmatched one keeps its search links on the same page.
    assert "https://www.youtube.com/results?search_query=Artist+Unmatched" in page
    assert sorted(fake_spotify.playlists["pl1"]["items"]) == [f"spotify:track:{0:022d}", f"spotify:track:{1:022d}"]
    client.post("/likes/spotify")
    assert list(fake_spotify.playlists) == ["pl1"]
    assert SpotifyPlaylist.objects.get().likes_of == dancer
    # The journal links the playlist and lists what it lacks, with search links.
    page = client.get("/likes/").content.decode()
    assert 'href="https://open.spotify.com/playlist/pl1"' in page and "Update my likes playlist on Spotify" in page
    missing = page.split('aria-labelledby="not-in-playlist-title"', 1)[1].split("</section>", 1)[0]
    assert "Not in the playlist (1)" in missing and "Unmatched" in missing and "Ghost" not in missing
    assert "https://open.spotify.com/search/Artist%20Unmatched" in missing


def test_likes_with_nothing_matched_are_a_message(client, dj, curator, fake_spotify):
    dancer = make_dj("dancer@example.com", "Dana")
    liked(dancer, dj, titles=("Unmatched",))
    client.force_login(dancer)
    page = client.post("/likes/spotify", follow=True).content.decode()
    assert "None of your liked songs is matched to Spotify yet: use the search links instead." in page
    assert fake_spotify.playlists == {}


def test_an_anonymous_dancer_is_sent_to_sign_in(client, db, fake_spotify):
    response = client.post("/likes/spotify")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert fake_spotify.playlists == {} and not SpotifyPlaylist.objects.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_exported_journal_costs_the_same_queries_for_any_number_of_likes(
        client, dj, curator, fake_spotify, django_assert_num_queries, count):
    dancer = make_dj("dancer@example.com", "Dana")
    liked(dancer, dj, titles=tuple(f"Song {n}" for n in range(count - 1)) + ("Unmatched",))
    client.force_login(dancer)
    client.post("/likes/spotify")
    # Session, user, the likes with their sets, the playlist, the liked tracks' recordings.
    with django_assert_num_queries(5):
        page = client.get("/likes/").content.decode()
    assert "Not in the playlist (1)" in page
