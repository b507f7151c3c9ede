"""The megaphone is impossible: every push reaches exactly its own scope's devices, each once.

Phones subscribe through the API, as the pages do; then every kind of push is sent and the
local push service says exactly who got what.
"""

import json

import pytest

from announcements.models import Announcement
from pika.middleware import CLIENT_COOKIE, new_client_id
from stages.models import DJSet
from tests.push_helpers import Subscriber


@pytest.fixture
def room(client, push_service, weekend, dj, other_dj):
    """Phones following every kind of scope, subscribed through the API."""
    nova = DJSet.objects.go_live(dj, "DJ Nova")[0]
    other = DJSet.objects.go_live(other_dj, "DJ Other")[0]
    follows = {
        "main": [{"stage": weekend.main.code}],
        "blues": [{"stage": weekend.blues.code}],
        "main-and-blues": [{"stage": weekend.main.code}, {"stage": weekend.blues.code}],
        "paris": [{"stage": weekend.ballroom.code}],
        "nova-fan": [{"session": nova.code}],
        "other-fan": [{"session": other.code}],
        "everything": [{"stage": weekend.main.code}, {"stage": weekend.ballroom.code}, {"session": nova.code}],
    }
    phones = {}
    for name, scopes in follows.items():
        phones[name] = Subscriber(push_service, name)
        client.cookies[CLIENT_COOKIE] = new_client_id()  # each phone holds its own id
        for scope in scopes:
            body = {"subscription": phones[name].subscription(), **scope}
            response = client.post("/api/v1/push/subscriptions", json.dumps(body), content_type="application/json")
            assert response.status_code == 201, response.content

    class Room:
        pass

    room = Room()
    room.phones, room.nova, room.other = phones, nova, other
    return room


def reached(push_service, room):
    """Who got a push, and what each one read (decrypted with that phone's own keys)."""
    got = {}
    for received in push_service.received:
        name = received.path.rsplit("/", 1)[-1]
        got.setdefault(name, []).append(room.phones[name].decrypt(received)["body"])
    return got


def test_an_event_announcement_reaches_its_events_stages_and_nothing_else(
    room, push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.send(author=organizer, event=weekend.event, message="Comp in 15", push=True)

    assert reached(push_service, room) == {
        "main": ["Comp in 15"], "blues": ["Comp in 15"], "main-and-blues": ["Comp in 15"], "everything": ["Comp in 15"],
    }


def test_another_events_announcement_stays_at_that_event(
    room, push_service, weekend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.send(
            author=weekend.other_event.organizer, event=weekend.other_event, message="Bonsoir Paris", push=True
        )

    assert reached(push_service, room) == {"paris": ["Bonsoir Paris"], "everything": ["Bonsoir Paris"]}


def test_music_starting_on_stage_a_never_reaches_stage_b(
    room, push_service, weekend, dj, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        DJSet.objects.go_live(dj, "DJ Nova", weekend.blues)

    assert reached(push_service, room) == {
        "blues": ["DJ Nova is now live on Blues Room"],
        "main-and-blues": ["DJ Nova is now live on Blues Room"],
    }


def test_a_djs_set_announcement_never_reaches_another_djs_listeners(
    room, push_service, dj, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.send(author=dj, dj_set=room.nova, message="Last song!", push=True)

    assert reached(push_service, room) == {"nova-fan": ["Last song!"], "everything": ["Last song!"]}


def test_unsubscribing_from_one_scope_keeps_the_others(
    client, room, push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    body = {"subscription": room.phones["everything"].subscription(), "stage": weekend.main.code}
    assert client.delete("/api/v1/push/subscriptions", json.dumps(body), content_type="application/json").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.send(author=organizer, event=weekend.event, message="Comp in 15", push=True)
        Announcement.objects.send(author=weekend.other_event.organizer, event=weekend.other_event,
                                  message="Bonsoir Paris", push=True)

    got = reached(push_service, room)
    assert got["everything"] == ["Bonsoir Paris"]
    assert got["main"] == ["Comp in 15"]
