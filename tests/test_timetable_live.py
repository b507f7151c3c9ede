"""Now and next over the WebSocket: the state on connect, a new release, a slot boundary
(the minute task), for the timetable page and a stage's venue screen."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.utils import timezone

from events import tasks
from events.models import Release, Slot
from tests.personas import make_event, make_organizer
from tests.timetable_helpers import add_slot
from tests.sockets import open_socket

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


@database_sync_to_async
def tonight_event(status="published"):
    today = timezone.localdate()
    event = make_event(make_organizer("org@example.com"), status=status, timezone="UTC",
                       starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    main = event.stages.first()
    moment = timezone.now().replace(microsecond=0)
    add_slot(event, main, moment - timedelta(minutes=30), hours=1, dj_name="DJ Now")
    upcoming = add_slot(event, main, moment + timedelta(minutes=30), hours=1, dj_name="DJ Next")
    Release.objects.publish(event)
    return event, main, upcoming


async def test_the_timetable_socket_sends_now_and_next_and_each_new_release():
    event, main, upcoming = await tonight_event()
    socket, connected, _ = await open_socket(f"/ws/events/{event.slug}/timetable/")
    assert connected
    state = await socket.receive_from()
    # The state starts with its versions (pika/live_state.py), then the now/next block.
    marker, html = state.split("-->", 1)
    assert marker.startswith(f"<!--state:timetable.{event.pk}=")
    assert html.startswith('\n<section id="now-next"') and "DJ Now" in html and "DJ Next" in html

    @database_sync_to_async
    def republish():
        Slot.objects.filter(pk=upcoming.pk).update(dj_name="DJ Stand-in")
        return Release.objects.publish(event, comment="DJ Next is ill")

    await republish()
    pushed = await socket.receive_from()
    assert "DJ Stand-in" in pushed and "DJ Next" not in pushed.replace("DJ Next is ill", "")
    assert '<p id="timetable-version" class="muted new-version" role="status">Version 2 is out — “DJ Next is ill”.' in pushed
    await socket.disconnect()


async def test_a_venue_screen_turns_over_at_the_slot_boundary():
    event, main, upcoming = await tonight_event()
    screen, connected, _ = await open_socket(f"/ws/screens/{main.code}/")
    assert connected
    state = await screen.receive_from()
    assert f'id="screen-{main.code}"' in state and '<p class="screen-title">DJ Now</p>' in state

    # The minute task just after DJ Next's start: the screen shows them as now.
    after = upcoming.starts_at + timedelta(seconds=20)
    await database_sync_to_async(cache.set)(tasks.TICK_KEY, upcoming.starts_at - timedelta(seconds=40))
    told = await database_sync_to_async(tasks.broadcast_boundaries)(after)
    assert told == 1
    pushed = await screen.receive_from()
    now_part = pushed[:pushed.index("Up next")]
    assert '<p class="screen-title">DJ Next</p>' in now_part
    # The next tick finds no boundary: nothing more is sent.
    assert await database_sync_to_async(tasks.broadcast_boundaries)(after + timedelta(seconds=5)) == 0
    assert await screen.receive_nothing(timeout=0.2)
    await screen.disconnect()


async def test_a_draft_events_timetable_and_an_unknown_screen_are_refused():
    event, _, _ = await tonight_event(status="draft")
    _, connected, code = await open_socket(f"/ws/events/{event.slug}/timetable/")
    assert (connected, code) == (False, 4404)
    _, connected, code = await open_socket("/ws/screens/nosuchstage/")
    assert (connected, code) == (False, 4404)
