"""A socket's first state: rendered once per version, never stale, nothing lost in between.

Pages connect with the versions they show (`?v=`) and are told "current" when nothing
changed; every kind of change invalidates the cached state; a change that lands while a
socket is joining reaches it (pika/live_state.py, stages/consumers.py).
"""

import asyncio
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from announcements.models import Announcement
from events.models import Event
from pika import live_state
from pika.asgi import application
from stages import live
from stages.models import DJSet, Stage
from pika.relay import Relay
from tests.personas import make_event, make_organizer

# These pin what one process does the moment a change commits.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("one_process")]

HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
STATE = re.compile(r"^<!--state:([^>]*)-->")


async def connect(path):
    communicator = WebsocketCommunicator(application, path, headers=HEADERS)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator, await communicator.receive_from()


async def receive_until(communicator, text, timeout=3):
    while True:
        message = await communicator.receive_from(timeout=timeout)
        if text in message:
            return message


@database_sync_to_async
def weekend():
    organizer = make_organizer("org@example.com")
    event = make_event(organizer, status=Event.Status.PUBLISHED, stages=("Main Floor", "Blues Room"))
    return event, list(event.stages.all()), organizer


@database_sync_to_async
def go_live(user, name, stage=None):
    return DJSet.objects.go_live(user, name, stage)[0]


@database_sync_to_async
def add_track(dj_set, title, **fields):
    return dj_set.add_track(artist="Artist", title=title, **fields)[0]


def versions_of(state):
    return live_state.parse_versions("v=" + STATE.match(state)[1])


async def test_a_burst_of_phones_costs_one_render(dj, monkeypatch):
    event, (main, _), _ = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    renders = []
    real = live.render_live
    monkeypatch.setattr(live, "render_live", lambda *a, **k: renders.append(1) or real(*a, **k))

    pages = await asyncio.gather(*(connect(f"/ws/stages/{main.code}/") for _ in range(40)))

    assert len(renders) == 1
    states = {state for _, state in pages}
    assert len(states) == 1 and "Ghost" in states.pop()
    # A change: the next phone gets the new state, rendered once more.
    await add_track(dj_set, "Dance Monkey")
    late, state = await connect(f"/ws/stages/{main.code}/")
    assert "Dance Monkey" in state and len(renders) == 2
    for communicator, _ in pages:
        await communicator.disconnect()
    await late.disconnect()


async def test_a_page_that_shows_the_current_versions_is_only_told_so(dj):
    event, (main, _), _ = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    html = await database_sync_to_async(lambda: Client().get(f"/s/{main.code}").content.decode())()
    asked = re.search(r'ws-connect="/ws/stages/[^/]+/\?v=([^"]+)"', html)[1]

    page = WebsocketCommunicator(application, f"/ws/stages/{main.code}/?v={asked}", headers=HEADERS)
    assert (await page.connect())[0]
    state = await page.receive_from()
    # The marker alone: the page already shows all of it.
    assert state == live_state.state_marker(live_state.parse_versions("v=" + asked.replace("%3D", "=").replace("%2C", ",")))
    # Still live afterwards.
    await add_track(dj_set, "Dance Monkey")
    assert "Dance Monkey" in await receive_until(page, "Dance Monkey")
    await page.disconnect()


async def test_an_older_garbage_or_future_version_gets_the_whole_state(dj):
    event, (main, _), _ = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    first, state = await connect(f"/ws/stages/{main.code}/")
    versions = versions_of(state)
    await first.disconnect()
    await add_track(dj_set, "Dance Monkey")
    older = live_state.format_versions(versions)
    future = live_state.format_versions({group: v + 1000 for group, v in versions.items()})
    for asked in [older, future, "garbage", "stage.1=abc", "", "%00%ff", "x" * 5000, f"{older},stage.999=1"]:
        page = WebsocketCommunicator(application, f"/ws/stages/{main.code}/?v={asked}", headers=HEADERS)
        assert (await page.connect())[0]
        state = await page.receive_from()
        assert STATE.match(state) and "Dance Monkey" in state and 'id="set-list"' in state, asked
        await page.disconnect()


# Every kind of change makes a phone connecting after it see it (no stale cached state).

@database_sync_to_async
def late_track(dj_set):
    from datetime import timedelta

    first = dj_set.tracks_newest_first().last()
    return dj_set.add_track(artist="Artist", title="Late Arrival", played_at=first.played_at - timedelta(minutes=1))


@database_sync_to_async
def end(dj_set):
    dj_set.end()


@database_sync_to_async
def announce(organizer, event):
    return Announcement.objects.send(author=organizer, message="Competitions start in 15 minutes", priority="info",
                                     push=False, event=event)


@database_sync_to_async
def rename(stage, name):
    stage = Stage.objects.get(pk=stage.pk)
    stage.name = name
    stage.save()


@pytest.mark.parametrize("change", ["track", "late track", "start", "end", "announcement", "room renamed",
                                    "next DJ"])
async def test_every_kind_of_change_reaches_the_next_phone(change, dj, other_dj):
    event, (main, blues), organizer = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    await add_track(dj_set, "Dance Monkey")
    # A phone on each page fills this process's cache.
    stage_page, stage_before = await connect(f"/ws/stages/{main.code}/")
    set_page, set_before = await connect(f"/ws/sessions/{dj_set.code}/")
    event_page, event_before = await connect(f"/ws/events/{event.slug}/")

    if change == "track":
        await add_track(dj_set, "Leave the Door Open")
        expected = {"stage": "Leave the Door Open", "set": "Leave the Door Open", "event": "Leave the Door Open"}
    elif change == "late track":
        await late_track(dj_set)
        expected = {"stage": "Late Arrival", "set": "Late Arrival"}
    elif change == "start":
        blues_set = await go_live(other_dj, "DJ Blue", blues)
        await add_track(blues_set, "Blue Monday")
        expected = {"stage": "Blue Monday", "event": "DJ Blue"}
    elif change == "end":
        await end(dj_set)
        expected = {"stage": '<p class="eyebrow">Waiting</p>', "set": "This set has ended"}
    elif change == "announcement":
        await announce(organizer, event)
        expected = {"stage": "Competitions start in 15 minutes", "event": "Competitions start in 15 minutes"}
    elif change == "room renamed":
        await rename(blues, "Blues Cellar")
        expected = {"stage": "Blues Cellar", "event": "Blues Cellar"}
    else:  # the stage handed to the next DJ
        next_set = await go_live(other_dj, "DJ Sunrise", main)
        await add_track(next_set, "Here Comes the Sun")
        expected = {"stage": "Here Comes the Sun", "event": "DJ Sunrise"}

    paths = {"stage": f"/ws/stages/{main.code}/", "set": f"/ws/sessions/{dj_set.code}/",
             "event": f"/ws/events/{event.slug}/"}
    before = {"stage": stage_before, "set": set_before, "event": event_before}
    for page, text in expected.items():
        assert text not in before[page], (change, page)
        newcomer, state = await connect(paths[page])
        assert text in state, (change, page)
        assert versions_of(state) != versions_of(before[page])
        await newcomer.disconnect()
    for communicator in (stage_page, set_page, event_page):
        await communicator.disconnect()


async def test_an_unpublished_event_closes_to_new_phones(dj):
    event, (main, _), _ = await weekend()
    first, _ = await connect(f"/ws/stages/{main.code}/")

    await database_sync_to_async(lambda: Event.objects.get(pk=event.pk).unpublish())()

    page = WebsocketCommunicator(application, f"/ws/stages/{main.code}/", headers=HEADERS)
    assert await page.connect() == (False, 4404)
    await first.disconnect()


# The race: a track broadcast while a socket is between loading its state and joining its groups.

@pytest.mark.parametrize("moment", ["while joining", "after joining, before the versions",
                                    "after joining a room already open", "while rendering"])
async def test_a_track_posted_while_a_phone_connects_is_never_lost(moment, dj, monkeypatch):
    event, (main, _), _ = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    fired = []
    others = []
    if moment == "after joining a room already open":
        # Another phone keeps the process subscribed: the label comes from the relay.
        others.append((await connect(f"/ws/stages/{main.code}/"))[0])

    def post_once():
        if not fired:
            fired.append(1)
            dj_set.add_track(artist="Artist", title="Posted Meanwhile")

    if moment == "while joining":
        real_join = Relay.join

        async def join(self, group, consumer):
            await asyncio.to_thread(post_once)
            await real_join(self, group, consumer)

        monkeypatch.setattr(Relay, "join", join)
    elif moment == "after joining, before the versions":
        real_versions = live_state.current_versions

        def versions(groups):
            post_once()
            return real_versions(groups)

        monkeypatch.setattr(live_state, "current_versions", versions)
    elif moment == "after joining a room already open":
        real_join = Relay.join

        async def join(self, group, consumer):
            await real_join(self, group, consumer)
            if group.startswith("event."):  # the page's last group: joined them all
                await asyncio.to_thread(post_once)

        monkeypatch.setattr(Relay, "join", join)
    else:
        real_render = live.render_live

        def render(*args, **kwargs):
            post_once()
            return real_render(*args, **kwargs)

        monkeypatch.setattr(live, "render_live", render)

    page, state = await connect(f"/ws/stages/{main.code}/")
    assert fired
    if "Posted Meanwhile" not in state:
        # Not in the state: then it follows as a message, after the state.
        assert "Posted Meanwhile" in await receive_until(page, "Posted Meanwhile")
    else:
        # In the state: a message for it may follow only if newer than the state.
        while not await page.receive_nothing(timeout=0.5):
            message = await page.receive_from()
            marker = re.match(r"^<!--v:([^=]+)=(\d+)-->", message)
            if marker:
                assert int(marker[2]) > versions_of(state)[marker[1]]
    await page.disconnect()
    for other in others:
        await other.disconnect()


async def test_a_stage_page_gets_one_frame_per_track_with_its_rooms_card(dj):
    event, (main, blues), _ = await weekend()
    dj_set = await go_live(dj, "DJ Nova", main)
    await add_track(dj_set, "Ghost")
    stage_page, _ = await connect(f"/ws/stages/{main.code}/")
    other_room, _ = await connect(f"/ws/stages/{blues.code}/")
    event_page, _ = await connect(f"/ws/events/{event.slug}/")

    await add_track(dj_set, "Dance Monkey")

    frame = await receive_until(stage_page, "Dance Monkey")
    # The now-playing card and the room's card in one frame, stamped for both groups.
    assert re.match(rf"^<!--v:stage\.{main.pk}=\d+--><!--v:event\.{event.pk}=\d+-->", frame)
    assert 'id="now-playing"' in frame and f'id="stage-card-{main.code}"' in frame
    while not await stage_page.receive_nothing(timeout=0.5):
        assert "Dance Monkey" not in await stage_page.receive_from()  # no second copy
    for page in (other_room, event_page):
        card = await receive_until(page, "Dance Monkey")
        assert card.startswith(f"<!--v:event.{event.pk}=") and 'id="now-playing"' not in card
    for page in (stage_page, other_room, event_page):
        await page.disconnect()
