"""Spotify's search as a suggestion on the verify page and in the verification API: asked
in a task (ISRC first, then artist + title), once per track, after the crowd's."""

import pytest

from crate import verification
from crate.models import TrackLink
from stages.models import DJSet
from tests.spotify_helpers import connected_account

GHOST = {"uri": "spotify:track:6habFhsOp2NvshLv26DqMb", "name": "Ghost", "duration_ms": 213000,
         "artists": [{"name": "Ella Henderson"}], "album": {"name": "Chapter One"},
         "external_ids": {"isrc": "GBARL1400001"}}


@pytest.fixture
def played(dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    track, _ = dj_set.add_track(artist="Ella H.", title="Ghost (WCS Edit)")
    verification.auto_match(track, "GBARL1400001")
    return track


def test_the_verify_page_offers_spotifys_match_found_by_isrc(client, dj, curator, fake_spotify, played):
    fake_spotify.tracks["isrc:GBARL1400001"] = [GHOST]
    client.force_login(dj)
    html = client.get(f"/dj/sets/{played.dj_set.code}/verify").content.decode()
    # The task ran inline (sync in tests) before the page was drawn.
    assert "Confirm Ella Henderson — Ghost" in html and "Spotify's best match" in html
    assert [r[2]["q"] for r in fake_spotify.requests if r[1] == "/v1/search"] == ["isrc:GBARL1400001"]
    client.get(f"/dj/sets/{played.dj_set.code}/verify")
    assert len([r for r in fake_spotify.requests if r[1] == "/v1/search"]) == 1  # searched once


def test_the_api_lists_it_with_source_spotify_and_picking_it_matches(api, dj_token, curator, fake_spotify, played):
    fake_spotify.tracks["artist:Ella H. track:Ghost (WCS Edit)"] = [GHOST]
    body = api.get(f"/sessions/{played.dj_set_id}/verification", token=dj_token).json()
    [suggestion] = body["tracks"][0]["suggestions"]
    assert suggestion["source"] == "spotify" and suggestion["confirmations"] == 0
    assert suggestion["identity"]["spotify_uri"] == GHOST["uri"] and suggestion["identity"]["isrc"] == "GBARL1400001"
    answer = api.post(f"/tracks/{played.pk}/verification", {"identity": suggestion["identity"]["id"]}).json()
    assert answer["identity"]["spotify_uri"] == GHOST["uri"]


def test_spotify_down_leaves_the_page_working_and_asks_again_later(client, dj, curator, fake_spotify, played):
    fake_spotify.scripts["GET /v1/search"] = [(503, {})]
    client.force_login(dj)
    response = client.get(f"/dj/sets/{played.dj_set.code}/verify")
    assert response.status_code == 200 and "0 of 1 matched" in response.content.decode()
    assert TrackLink.objects.get(played=played).spotify_searched is False


def test_a_revoked_curator_is_not_asked_again_and_the_page_still_works(client, dj, curator, fake_spotify, played):
    fake_spotify.tracks["isrc:GBARL1400001"] = [GHOST]
    fake_spotify.valid_tokens.clear()
    fake_spotify.revoked.add("refresh-1")
    client.force_login(dj)
    assert client.get(f"/dj/sets/{played.dj_set.code}/verify").status_code == 200
    curator.refresh_from_db()
    assert curator.needs_reconnect
    calls = len(fake_spotify.requests)
    html = client.get(f"/dj/sets/{played.dj_set.code}/verify").content.decode()
    assert "Spotify's best match" not in html and len(fake_spotify.requests) == calls


def test_without_a_curator_the_djs_own_account_asks(client, dj, dj_spotify, fake_spotify, played):
    fake_spotify.tracks["isrc:GBARL1400001"] = [GHOST]
    client.force_login(dj)
    html = client.get(f"/dj/sets/{played.dj_set.code}/verify").content.decode()
    assert "Confirm Ella Henderson — Ghost" in html and "Spotify's best match" in html
    search = next(r for r in fake_spotify.requests if r[1] == "/v1/search")
    assert fake_spotify.token_owner[search[3]["Authorization"].removeprefix("Bearer ")]["id"] == "nova-on-spotify"


def test_another_djs_own_account_is_never_used_for_my_set(client, dj, other_dj, fake_spotify, played):
    connected_account(fake_spotify, owner=other_dj)
    client.force_login(dj)
    assert client.get(f"/dj/sets/{played.dj_set.code}/verify").status_code == 200
    assert fake_spotify.requests == []
