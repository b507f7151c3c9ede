"""Posting tracks through the token API: storing, ordering, idempotency and bad input."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from stages.models import DJSet, PlayedTrack


@pytest.fixture
def dj_set(dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    return dj_set


def post_track(api, dj_set, body, **kwargs):
    return api.post(f"/sessions/{dj_set.pk}/tracks", body, **kwargs)


def test_a_posted_track_is_stored_and_returned(api, dj_set):
    response = post_track(api, dj_set, {
        "artist": "Ella Henderson", "title": "Ghost (WCS Edit)", "album": "Chapter One",
        "bpm": 97.5, "key": "8A", "duration_ms": 213412, "file_hash": "abc123", "source_id": "vdj-1",
    })
    assert response.status_code == 201
    track = PlayedTrack.objects.get()
    body = response.json()
    assert body == {
        "id": track.pk, "session": dj_set.pk, "artist": "Ella Henderson", "title": "Ghost (WCS Edit)",
        "album": "Chapter One", "played_at": track.played_at.isoformat(), "bpm": 97.5, "key": "8A",
        "duration_ms": 213412, "file_hash": "abc123", "source_id": "vdj-1", "identity": None,
    }
    assert abs((timezone.now() - track.played_at).total_seconds()) < 5


def test_the_same_source_id_twice_stores_one_track(api, dj_set):
    first = post_track(api, dj_set, {"artist": "A", "title": "T", "source_id": "play-42"})
    again = post_track(api, dj_set, {"artist": "A", "title": "T", "source_id": "play-42"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert PlayedTrack.objects.count() == 1


def test_without_source_id_the_same_song_twice_is_two_plays(api, dj_set):
    post_track(api, dj_set, {"artist": "A", "title": "T"})
    post_track(api, dj_set, {"artist": "A", "title": "T"})
    assert PlayedTrack.objects.count() == 2


def test_a_late_track_is_placed_in_order_not_shown_as_now_playing(api, dj_set):
    now = timezone.now()
    post_track(api, dj_set, {"artist": "A", "title": "Current", "played_at": now.isoformat()})
    post_track(api, dj_set, {"artist": "B", "title": "Late", "played_at": (now - timedelta(minutes=10)).isoformat()})
    assert dj_set.current_track().title == "Current"
    assert [t.title for t in dj_set.tracks_newest_first()] == ["Current", "Late"]


def test_a_naive_played_at_is_taken_as_utc(api, dj_set):
    response = post_track(api, dj_set, {"artist": "A", "title": "T", "played_at": "2026-11-25T01:02:03"})
    assert response.status_code == 201
    assert response.json()["played_at"] == "2026-11-25T01:02:03+00:00"


def test_a_played_at_in_the_future_is_400(api, dj_set):
    response = post_track(api, dj_set, {"artist": "A", "title": "T",
                                         "played_at": (timezone.now() + timedelta(hours=1)).isoformat()})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "played_at"
    assert PlayedTrack.objects.count() == 0


@pytest.mark.parametrize("missing", ["artist", "title"])
def test_a_missing_field_is_400_naming_it(api, dj_set, missing):
    body = {"artist": "A", "title": "T"}
    del body[missing]
    response = post_track(api, dj_set, body)
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "missing_field", "message": f"{missing} is required.", "field": missing}}


@pytest.mark.parametrize("blank", ["artist", "title"])
def test_a_blank_field_is_400_naming_it(api, dj_set, blank):
    body = {"artist": "A", "title": "T", blank: "   "}
    response = post_track(api, dj_set, body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == blank


def test_a_title_of_10000_characters_is_400(api, dj_set):
    response = post_track(api, dj_set, {"artist": "A", "title": "x" * 10_000})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_field"
    assert response.json()["error"]["field"] == "title"
    assert PlayedTrack.objects.count() == 0


def test_a_title_of_500_characters_is_kept_whole(api, dj_set):
    response = post_track(api, dj_set, {"artist": "A", "title": "é" * 500})
    assert response.status_code == 201
    assert PlayedTrack.objects.get().title == "é" * 500


def test_emoji_only_titles_are_kept(api, dj_set):
    response = post_track(api, dj_set, {"artist": "💃🕺", "title": "🔥🔥🔥"})
    assert response.status_code == 201
    assert (PlayedTrack.objects.get().artist, PlayedTrack.objects.get().title) == ("💃🕺", "🔥🔥🔥")


@pytest.mark.parametrize("body, field", [
    ({"artist": "A", "title": "T", "bpm": "fast"}, "bpm"),
    ({"artist": "A", "title": ["x"]}, "title"),
    ({"artist": 7, "title": "T"}, "artist"),
    ({"artist": "A", "title": "T", "duration_ms": -5}, "duration_ms"),
    ({"artist": "A", "title": "T", "played_at": "yesterday"}, "played_at"),
])
def test_wrong_types_are_400_naming_the_field(api, dj_set, body, field):
    response = post_track(api, dj_set, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_field"
    assert response.json()["error"]["field"] == field
    assert PlayedTrack.objects.count() == 0


@pytest.mark.parametrize("raw", ["not json", "{\"artist\": ", "[1, 2]", "null", "\"a string\""])
def test_a_body_that_is_not_a_json_object_is_400(api, dj_set, raw):
    response = post_track(api, dj_set, None, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid_json", "invalid_body", "missing_field"}
    assert PlayedTrack.objects.count() == 0


def test_a_body_over_64_kb_is_413(api, dj_set):
    raw = json.dumps({"artist": "A", "title": "T", "album": "x" * 70_000})
    response = post_track(api, dj_set, None, raw=raw)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_wrong_token_is_401_and_stores_nothing(api, dj_set):
    response = post_track(api, dj_set, {"artist": "A", "title": "T"}, token="pika_wrong")
    assert response.status_code == 401
    assert PlayedTrack.objects.count() == 0


def test_another_djs_set_is_404(api, other_dj):
    theirs, _ = DJSet.objects.go_live(other_dj)
    response = post_track(api, theirs, {"artist": "A", "title": "T"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert PlayedTrack.objects.count() == 0


def test_an_unknown_set_is_404(api):
    response = api.post("/sessions/999999/tracks", {"artist": "A", "title": "T"})
    assert response.status_code == 404


def test_an_ended_set_is_409(api, dj_set):
    dj_set.end()
    response = post_track(api, dj_set, {"artist": "A", "title": "T"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"


def test_posting_a_track_stamps_the_token_as_used(api, dj_set, dj):
    token = dj.api_tokens.get()
    assert token.last_used_at is None
    post_track(api, dj_set, {"artist": "A", "title": "T"})
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_runaway_script_is_rate_limited_per_token(api, dj_set, settings, other_dj):
    settings.PIKA_API_RATE = "3/m"
    statuses = [post_track(api, dj_set, {"artist": "A", "title": f"T{i}"}).status_code for i in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert PlayedTrack.objects.count() == 3
    limited = post_track(api, dj_set, {"artist": "A", "title": "again"})
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    # Another DJ's token has its own budget.
    from accounts.models import ApiToken

    theirs, _ = DJSet.objects.go_live(other_dj)
    _, secret = ApiToken.issue(other_dj, "theirs")
    assert post_track(api, theirs, {"artist": "A", "title": "T"}, token=secret).status_code == 201
