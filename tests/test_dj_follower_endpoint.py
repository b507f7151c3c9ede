"""The dashboard follower's endpoint: the token API's track JSON, signed in by the
session instead of a token, CSRF-checked, deduplicated by source_id with the API."""

import json

import pytest
from django.test import Client

from stages.models import DJSet, PlayedTrack

GHOST = {
    "artist": "Ella Henderson", "title": "Ghost (WCS Edit)", "played_at": "2026-03-14T22:47:00+00:00",
    "duration_ms": 213412, "source_id": "vdj-1773528420-0123456789abcdef",
}


@pytest.fixture
def live_set(dj):
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def follow(client, live_set, body, **extra):
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/dj/sets/{live_set.code}/follow", raw, content_type="application/json", **extra)


def test_the_owner_posts_a_play_and_gets_the_stored_track(client, dj, live_set):
    client.force_login(dj)
    response = follow(client, live_set, GHOST)
    assert response.status_code == 201
    body = response.json()
    assert (body["artist"], body["title"], body["source_id"], body["duration_ms"]) == (
        "Ella Henderson", "Ghost (WCS Edit)", GHOST["source_id"], 213412)
    assert body["played_at"] == "2026-03-14T22:47:00+00:00"
    assert list(live_set.tracks.values_list("title", flat=True)) == ["Ghost (WCS Edit)"]


def test_the_same_play_from_the_page_and_the_agent_is_one_track(client, dj, live_set, api):
    client.force_login(dj)
    assert follow(client, live_set, GHOST).status_code == 201
    again = api.post(f"/sessions/{live_set.pk}/tracks", GHOST)
    assert again.status_code == 201
    assert follow(client, live_set, GHOST).status_code == 201
    assert PlayedTrack.objects.count() == 1


def test_another_dj_gets_a_404_and_stores_nothing(client, other_dj, live_set):
    client.force_login(other_dj)
    response = follow(client, live_set, GHOST)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert PlayedTrack.objects.count() == 0


def test_a_signed_out_visitor_gets_a_401(client, live_set):
    response = follow(client, live_set, GHOST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signed_out"
    assert PlayedTrack.objects.count() == 0


def test_without_the_csrf_token_it_is_refused(dj, live_set):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(dj)
    assert follow(strict, live_set, GHOST).status_code == 403
    strict.get("/dj/")  # sets the CSRF cookie, as the dashboard page does
    token = strict.cookies["csrftoken"].value
    assert follow(strict, live_set, GHOST, HTTP_X_CSRFTOKEN=token).status_code == 201
    assert PlayedTrack.objects.count() == 1


def test_an_ended_set_is_409(client, dj, live_set):
    live_set.end()
    client.force_login(dj)
    response = follow(client, live_set, GHOST)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"


@pytest.mark.parametrize("body, field", [
    ({"title": "Ghost"}, "artist"),
    ({"artist": "E", "title": "T", "bpm": "fast"}, "bpm"),
    ({"artist": "E", "title": "T", "played_at": "2999-01-01T00:00:00Z"}, "played_at"),
    ({"artist": " ", "title": "T"}, "artist"),
])
def test_a_bad_play_is_400_naming_the_field(client, dj, live_set, body, field):
    client.force_login(dj)
    response = follow(client, live_set, body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert PlayedTrack.objects.count() == 0


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "null", "\"a\""])
def test_a_body_that_is_not_a_track_is_400(client, dj, live_set, raw):
    client.force_login(dj)
    response = follow(client, live_set, raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_body", "invalid_field"}


def test_a_body_over_64_kb_is_413(client, dj, live_set):
    client.force_login(dj)
    response = follow(client, live_set, {"artist": "A", "title": "T", "album": "x" * 70_000})
    assert response.status_code == 413
    assert PlayedTrack.objects.count() == 0
