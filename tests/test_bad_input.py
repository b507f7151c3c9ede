"""Every bad input gets a 4xx and loses nothing: control characters anywhere, impossible
dates, numbers no column holds, wrong content types, and two requests racing for the
same unique thing."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from announcements.models import Announcement
from events.models import Event
from stages.models import DJSet, PlayedTrack
from tests.organizers import event_form
from tests.personas import make_organizer


@pytest.fixture
def dj_set(dj):
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def post_track(api, dj_set, body):
    return api.post(f"/sessions/{dj_set.pk}/tracks", body)


def error(response):
    return response.status_code, response.json()["error"]


# --- Control characters ----------------------------------------------------------------

@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x7f", "\x0b"])
@pytest.mark.parametrize("field", ["artist", "title", "album", "key", "source_id", "file_hash"])
def test_a_control_character_in_any_track_field_is_a_400_and_stores_nothing(api, dj_set, field, character):
    body = {"artist": "Ella Henderson", "title": "Ghost", field: f"bad{character}value"}

    assert error(post_track(api, dj_set, body)) == (
        400, {"code": "invalid_characters", "message": "The body contains control characters."}
    )
    assert PlayedTrack.objects.count() == 0


def test_a_nul_in_a_json_key_is_refused_too(api, dj_set):
    assert post_track(api, dj_set, {"artist": "A", "title": "T", "x\x00": 1}).status_code == 400


def test_a_nul_in_the_dj_name_is_a_400(api, dj):
    response = api.post("/sessions", {"dj_name": "DJ\x00Nova"})

    assert error(response)[0] == 400
    assert not DJSet.objects.exists()


@pytest.mark.parametrize("path", [
    "/api/v1/stages/ab%00cd/now-playing",
    "/api/v1/stages?event=swing%00fling",
    "/s/ab%00cd",
    "/e/swing%01fling",
    "/live/x%1b/",
])
def test_a_control_character_in_a_path_or_query_is_a_400(client, db, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "control characters" in response.content.decode()


def test_a_control_character_in_a_form_is_a_400_and_sends_nothing(client, db):
    organizer = make_organizer("org@example.com", name="Org")
    event = Event.objects.create(organizer=organizer, name="Swing Fling", slug="swing-fling",
                                 starts_on="2026-03-13", ends_on="2026-03-15", timezone="Europe/Paris",
                                 status=Event.Status.PUBLISHED)
    client.force_login(organizer)

    response = client.post(f"/organize/{event.slug}/announce", {"message": "Doors\x00open", "priority": "info"})

    assert (response.status_code, response.content.decode()) == (400, "The form contains control characters.")
    assert not Announcement.objects.exists()


def test_line_breaks_in_a_form_are_still_fine(client, db):
    organizer = make_organizer("org@example.com", name="Org")
    event = Event.objects.create(organizer=organizer, name="Swing Fling", slug="swing-fling",
                                 starts_on="2026-03-13", ends_on="2026-03-15", timezone="Europe/Paris",
                                 status=Event.Status.PUBLISHED)
    client.force_login(organizer)

    client.post(f"/organize/{event.slug}/announce", {"message": "Doors open\r\nat nine\tsharp", "priority": "info"})

    assert Announcement.objects.get().message == "Doors open\r\nat nine\tsharp"


# --- Dates -------------------------------------------------------------------------------

@pytest.mark.parametrize(("played_at", "message"), [
    ("1999-12-31T23:59:59+00:00", "played_at is before 2000."),
    ("1970-01-01T00:00:00Z", "played_at is before 2000."),
    ("0001-01-01T00:00:00", "played_at is before 2000."),
    (lambda: (timezone.now() + timedelta(days=2)).isoformat(), "played_at is in the future."),
    (lambda: (timezone.now() + timedelta(days=1, minutes=1)).isoformat(), "played_at is in the future."),
    ("9999-12-31T23:59:59+00:00", "played_at is in the future."),
])
def test_an_impossible_played_at_is_a_400(api, dj_set, played_at, message):
    value = played_at() if callable(played_at) else played_at

    assert error(post_track(api, dj_set, {"artist": "A", "title": "T", "played_at": value})) == (
        400, {"code": "invalid_field", "message": message, "field": "played_at"}
    )
    assert PlayedTrack.objects.count() == 0


@pytest.mark.parametrize("played_at", ["2000-01-01T00:00:00Z", "not a date", "2026-02-30T10:00:00", "+275760-09-13T00:00:00Z"])
def test_the_edges_of_played_at(api, dj_set, played_at):
    response = post_track(api, dj_set, {"artist": "A", "title": "T", "played_at": played_at})

    assert response.status_code == (201 if played_at.startswith("2000") else 400)


# --- Numbers -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    '{"artist": "A", "title": "T", "bpm": 1e999}',
    '{"artist": "A", "title": "T", "bpm": -1e999}',
    '{"artist": "A", "title": "T", "duration_ms": 100000000000000000000000000000}',
    '{"artist": "A", "title": "T", "duration_ms": ' + "9" * 5000 + "}",
    '{"artist": "A", "title": "T", "bpm": NaN}',
    '{"artist": 1e999, "title": "T"}',
])
def test_a_number_no_column_holds_is_a_400(api, dj_set, raw):
    response = api.post(f"/sessions/{dj_set.pk}/tracks", raw=raw)

    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid_field", "invalid_json")
    assert PlayedTrack.objects.count() == 0


@pytest.mark.parametrize("set_id", [2**63, 2**70, 10**40])
def test_a_set_id_past_64_bits_is_just_not_found(api, dj_set, set_id):
    assert error(api.post(f"/sessions/{set_id}/tracks", {"artist": "A", "title": "T"})) == (
        404, {"code": "not_found", "message": "No such session."}
    )
    assert error(api.post(f"/sessions/{set_id}/end"))[0] == 404


def test_a_track_id_past_64_bits_on_a_page_is_not_a_500(client, dj_set):
    response = client.post(f"/live/{dj_set.code}/tracks/{2**70}/like", {"liked": "1"})

    assert response.status_code in (400, 404)


# --- Content types -------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
])
def test_the_api_takes_json_only(client, dj_token, dj_set, content_type):
    response = client.post(f"/api/v1/sessions/{dj_set.pk}/tracks", json.dumps({"artist": "A", "title": "T"}),
                           content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {dj_token}")

    assert error(response) == (415, {
        "code": "unsupported_media_type", "message": "Send the body as JSON (Content-Type: application/json).",
    })
    assert PlayedTrack.objects.count() == 0


def test_json_with_a_charset_is_still_json(client, dj_token, dj_set):
    response = client.post(f"/api/v1/sessions/{dj_set.pk}/tracks", json.dumps({"artist": "Björk", "title": "Jóga"}),
                           content_type="application/json; charset=utf-8", HTTP_AUTHORIZATION=f"Bearer {dj_token}")

    assert response.status_code == 201


@pytest.mark.parametrize("raw", ["[1, 2]", '"a string"', "null", "12", "{"])
def test_json_that_is_not_an_object_is_a_400(api, dj_set, raw):
    response = api.post(f"/sessions/{dj_set.pk}/tracks", raw=raw)

    assert response.status_code == 400
    assert set(response.json()) == {"error"}


# --- Races -----------------------------------------------------------------------------------

def test_the_database_holds_one_live_set_per_dj(dj, dj_set):
    with pytest.raises(IntegrityError):
        DJSet.objects.create(dj=dj, dj_name="DJ Nova again")


def test_two_go_lives_at_once_leave_one_live_set(dj, transactional_db):
    barrier = threading.Barrier(2)
    errors = []

    def go_live():
        try:
            barrier.wait()
            DJSet.objects.go_live(dj, "DJ Nova")
        except Exception as exception:  # noqa: BLE001 - the assertion below reports it
            errors.append(exception)
        finally:
            connection.close()

    threads = [threading.Thread(target=go_live) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert DJSet.objects.filter(dj=dj).count() == 2
    assert DJSet.objects.live().filter(dj=dj).count() == 1


def test_going_live_after_a_lost_race_ends_the_winner(dj, monkeypatch, db):
    """The IntegrityError path: the first attempt loses to a set created in between."""
    winner = DJSet.objects.create(dj=dj, dj_name="DJ Nova")
    calls = []
    real = DJSet.objects.go_live_once.__func__

    def racing(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError("one_live_set_per_dj")
        return real(self, *args)

    monkeypatch.setattr(type(DJSet.objects), "go_live_once", racing)
    dj_set, ended = DJSet.objects.go_live(dj, "DJ Nova")

    assert [previous.pk for previous in ended] == [winner.pk]
    assert list(DJSet.objects.live().filter(dj=dj)) == [dj_set]


def test_two_organizers_saving_the_same_short_link_get_a_409_not_a_500(client, db, monkeypatch):
    from events import forms

    first = make_organizer("first@example.com", name="First")
    second = make_organizer("second@example.com", name="Second")
    Event.objects.create(organizer=first, name="Swing Fling", slug="swing-fling", starts_on="2026-03-13",
                         ends_on="2026-03-15", timezone="Europe/Paris")
    theirs = Event.objects.create(organizer=second, name="Boogie", slug="boogie", starts_on="2026-03-13",
                                  ends_on="2026-03-15", timezone="Europe/Paris")
    # Both forms were checked before either saved: the uniqueness check saw the link free.
    monkeypatch.setattr(forms.EventForm, "clean_slug", lambda form: form.cleaned_data["slug"].strip().lower())
    monkeypatch.setattr(forms.EventForm, "validate_unique", lambda form: None)
    client.force_login(second)

    response = client.post(f"/organize/{theirs.slug}/", event_form(name="Boogie", slug="swing-fling",
                                                                    stages=[{"name": "Main Floor"}]))

    assert response.status_code == 409
    assert "That short link was just taken; pick another." in response.content.decode()
    assert Event.objects.get(pk=theirs.pk).slug == "boogie"
