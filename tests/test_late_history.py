"""Late history: tracks a DJ program writes after the set ended (Traktor stores its History
when it closes) are stored in that set if they were played during it and arrive within an
hour of its end; they show on the past set's page, and never reach the room as "now playing"."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from pika.asgi import application
from stages.models import DJSet, PlayedTrack
from tests.personas import event_stage, make_organizer


@pytest.fixture
def ended_set(dj):
    """A set that ran for the last hour and ended a minute ago, with one track."""
    dj_set = DJSet.objects.go_live(dj, "DJ Nova")[0]
    now = timezone.now()
    DJSet.objects.filter(pk=dj_set.pk).update(started_at=now - timedelta(hours=1), ended_at=now - timedelta(minutes=1))
    dj_set.refresh_from_db()
    dj_set.add_track(artist="Ella Henderson", title="Ghost", played_at=now - timedelta(minutes=50))
    return dj_set


def post_track(api, dj_set, **body):
    body = {"artist": "Rag'n'Bone Man", "title": "Human", **body}
    if isinstance(body.get("played_at"), type(timezone.now())):
        body["played_at"] = body["played_at"].isoformat()
    return api.post(f"/sessions/{dj_set.pk}/tracks", body)


def test_a_track_played_during_the_set_and_sent_after_it_ended_is_stored_in_order(api, ended_set):
    played_at = ended_set.started_at + timedelta(minutes=30)
    response = post_track(api, ended_set, played_at=played_at, source_id="traktor-late-1")

    assert response.status_code == 201
    track = PlayedTrack.objects.get(source_id="traktor-late-1")
    assert (track.dj_set, track.played_at) == (ended_set, played_at)
    assert [t.title for t in ended_set.tracks_newest_first()] == ["Human", "Ghost"]
    assert ended_set.current_track() is None  # an ended set plays nothing


def test_the_past_set_page_shows_the_late_track(client, api, ended_set):
    post_track(api, ended_set, played_at=ended_set.started_at + timedelta(minutes=30))
    html = client.get(f"/live/{ended_set.code}").content.decode()

    assert "This set has ended" in html
    set_list = html[html.index('id="set-list"'):]
    assert set_list.index("Human") < set_list.index("Ghost")  # newest first, by when it was played


def test_the_djs_past_set_page_lists_the_late_track_in_play_order(client, api, dj, ended_set):
    post_track(api, ended_set, played_at=ended_set.started_at + timedelta(minutes=30))
    client.force_login(dj)
    html = client.get(f"/dj/sets/{ended_set.code}").content.decode()

    tracks = html[html.index('class="tracks"'):]
    assert tracks.index("Ghost") < tracks.index("Human")  # oldest first, as played


def test_a_retry_of_a_stored_late_track_is_the_same_track_even_after_the_hour(api, ended_set):
    played_at = ended_set.started_at + timedelta(minutes=30)
    first = post_track(api, ended_set, played_at=played_at, source_id="traktor-late-1")
    DJSet.objects.filter(pk=ended_set.pk).update(ended_at=timezone.now() - timedelta(hours=2))
    again = post_track(api, ended_set, played_at=played_at, source_id="traktor-late-1")

    assert again.status_code == 201 and again.json() == first.json()
    assert ended_set.tracks.count() == 2


@pytest.mark.parametrize(
    "case",
    ["no played_at", "played before the set", "played after the set", "sent more than an hour after the end"],
)
def test_what_does_not_belong_to_the_ended_set_is_409(api, ended_set, case):
    played_at = {
        "no played_at": None,
        "played before the set": ended_set.started_at - timedelta(minutes=5),
        "played after the set": ended_set.ended_at + timedelta(seconds=30),
        "sent more than an hour after the end": ended_set.started_at + timedelta(minutes=30),
    }[case]
    if case == "sent more than an hour after the end":
        DJSet.objects.filter(pk=ended_set.pk).update(
            started_at=ended_set.started_at - timedelta(minutes=2), ended_at=timezone.now() - timedelta(minutes=61)
        )
    body = {"played_at": played_at} if played_at else {}
    response = post_track(api, ended_set, **body)

    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "session_ended",
            "message": "This set has ended; go live again to post tracks "
            "(tracks played during it are taken up to an hour after it ended).",
        }
    }
    assert [t.title for t in ended_set.tracks.all()] == ["Ghost"]


@pytest.mark.django_db(transaction=True)
async def test_a_late_track_is_not_pushed_to_the_room_as_now_playing(dj):
    def setup():
        stage = event_stage(make_organizer("org@example.com"))
        dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
        dj_set.add_track(artist="Ella Henderson", title="Ghost")
        dj_set.end()
        return stage, dj_set

    stage, dj_set = await database_sync_to_async(setup)()
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    room = WebsocketCommunicator(application, f"/ws/stages/{stage.code}/", headers=headers)
    past_set = WebsocketCommunicator(application, f"/ws/sessions/{dj_set.code}/", headers=headers)
    assert (await room.connect())[0] and (await past_set.connect())[0]
    while not await room.receive_nothing(0.3):  # the state on connect, listener counts
        await room.receive_from()
    while not await past_set.receive_nothing(0.3):
        await past_set.receive_from()

    await database_sync_to_async(dj_set.add_track)(
        artist="Rag'n'Bone Man", title="Human", played_at=dj_set.started_at + timedelta(seconds=1)
    )

    # The past set's open page gets its updated list, without a now-playing card.
    html = await past_set.receive_from(timeout=3)
    assert "Human" in html and "This set has ended" in html
    # The room's page hears nothing about it.
    while not await room.receive_nothing(1):
        assert "Human" not in await room.receive_from()
    await room.disconnect()
    await past_set.disconnect()
