"""The stage page's socket outlives every DJ set; event and organizer pages follow live."""

import pytest
from channels.db import database_sync_to_async

from events.models import Event
from stages.models import DJSet
from tests.personas import make_event, make_organizer
from tests.sockets import open_socket, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def published_event(stages=("Main Floor", "Blues Room"), status=Event.Status.PUBLISHED):
    organizer = make_organizer("org@example.com")
    return make_event(organizer, status=status, stages=stages), organizer


@database_sync_to_async
def stages_of(event):
    return list(event.stages.all())


@database_sync_to_async
def go_live(user, name, stage=None):
    return DJSet.objects.go_live(user, name, stage)[0]


@database_sync_to_async
def add_track(dj_set, artist, title):
    return dj_set.add_track(artist=artist, title=title)[0]


@database_sync_to_async
def end(dj_set):
    dj_set.end()


async def test_the_open_stage_page_follows_the_handover_from_dj_a_to_dj_b(dj, other_dj):
    event, _ = await published_event()
    main, _ = await stages_of(event)
    dj_a = await go_live(dj, "DJ Alpha", main)
    await add_track(dj_a, "Ella Henderson", "Ghost")

    page, connected, _ = await open_socket(f"/ws/stages/{main.code}/")
    assert connected
    state = await page.receive_from()
    assert "DJ Alpha</span> is live on Main Floor" in state and "Ghost" in state

    await end(dj_a)
    waiting = await receive_until(page, 'id="now-playing"')
    assert "Waiting for the next DJ" in waiting and "Ghost" not in waiting

    dj_b = await go_live(other_dj, "DJ Bravo", main)
    live_b = await receive_until(page, 'id="now-playing"')
    assert "DJ Bravo</span> is live on Main Floor" in live_b and "The first track is coming up" in live_b
    assert "Ghost" not in live_b  # A's set does not leak into B's

    await add_track(dj_b, "Bruno Mars", "Leave the Door Open")
    track = await receive_until(page, "Leave the Door Open")
    assert "DJ Bravo" in track and "Bruno Mars" in track and "Ghost" not in track
    await page.disconnect()


async def test_a_newer_set_takes_the_stage_and_the_older_one_keeps_its_own_page(dj, other_dj):
    event, _ = await published_event()
    main, _ = await stages_of(event)
    older = await go_live(dj, "DJ Alpha", main)
    stage_page, _, _ = await open_socket(f"/ws/stages/{main.code}/")
    older_page, _, _ = await open_socket(f"/ws/sessions/{older.code}/")
    await stage_page.receive_from()
    await older_page.receive_from()

    newer = await go_live(other_dj, "DJ Bravo", main)
    assert "DJ Bravo</span> is live" in await receive_until(stage_page, 'id="now-playing"')

    # The older set still posts to its own page, but no longer drives the stage.
    await add_track(older, "Older", "Still mine")
    assert "Still mine" in await receive_until(older_page, "Still mine")
    await add_track(newer, "Newer", "On the stage")
    on_stage = await receive_until(stage_page, 'id="now-playing"')
    assert "On the stage" in on_stage and "Still mine" not in on_stage

    # When the newer set ends, the stage waits for the next DJ (not the older set).
    await end(newer)
    assert "Waiting for the next DJ" in await receive_until(stage_page, 'id="now-playing"')
    await stage_page.disconnect()
    await older_page.disconnect()


async def test_a_track_on_one_stage_does_not_reach_the_other_stages_page(dj, other_dj):
    event, _ = await published_event()
    main, blues = await stages_of(event)
    on_main, _ = await go_live(dj, "DJ Alpha", main), await go_live(other_dj, "DJ Bravo", blues)
    main_page, _, _ = await open_socket(f"/ws/stages/{main.code}/")
    blues_page, _, _ = await open_socket(f"/ws/stages/{blues.code}/")
    await main_page.receive_from()
    await blues_page.receive_from()

    await add_track(on_main, "A", "Main only")
    main_update = await receive_until(main_page, 'id="now-playing"')
    assert "Main only" in main_update
    # The Blues page hears about it only as Main Floor's card in the list of rooms.
    card = await receive_until(blues_page, "stage-card-")
    assert f'id="stage-card-{main.code}"' in card and 'id="now-playing"' not in card
    assert await blues_page.receive_nothing(timeout=0.3)
    await main_page.disconnect()
    await blues_page.disconnect()


async def test_the_event_page_shows_each_stage_live(dj):
    event, _ = await published_event()
    main, blues = await stages_of(event)
    page, connected, _ = await open_socket(f"/ws/events/{event.slug}/")
    assert connected
    state = await page.receive_from()
    assert f'id="stage-card-{main.code}"' in state and f'id="stage-card-{blues.code}"' in state
    dj_set = await go_live(dj, "DJ Alpha", blues)
    assert "DJ Alpha" in await receive_until(page, f'id="stage-card-{blues.code}"')
    await add_track(dj_set, "Etta James", "At Last")
    card = await receive_until(page, "At Last")
    assert f'id="stage-card-{blues.code}"' in card and "Etta James" in card
    await page.disconnect()


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.ARCHIVED])
async def test_sockets_of_an_unpublished_event_are_refused(status):
    event, _ = await published_event(status=status)
    main, _ = await stages_of(event)
    for path in (f"/ws/stages/{main.code}/", f"/ws/events/{event.slug}/"):
        _, connected, code = await open_socket(path)
        assert not connected and code == 4404


async def test_an_unknown_stage_code_is_refused():
    _, connected, code = await open_socket("/ws/stages/nosuchcode/")
    assert not connected and code == 4404


# The organizer's live dashboard socket.

async def test_the_organizer_dashboard_follows_djs_tracks_and_listeners(dj):
    event, organizer = await published_event()
    main, _ = await stages_of(event)
    dashboard, connected, _ = await open_socket(f"/ws/organize/{event.slug}/", organizer)
    assert connected
    state = await dashboard.receive_from()
    assert f'id="organizer-stage-{main.code}"' in state and "Waiting for the next DJ" in state

    dj_set = await go_live(dj, "DJ Alpha", main)
    row = await receive_until(dashboard, "DJ Alpha")
    assert f'id="organizer-stage-{main.code}"' in row and "live since" in row
    await add_track(dj_set, "Ella Henderson", "Ghost")
    assert "Ghost" in await receive_until(dashboard, "Ghost")

    dancers = []
    for path in (f"/ws/stages/{main.code}/", f"/ws/stages/{main.code}/", f"/ws/sessions/{dj_set.code}/"):
        dancer, _, _ = await open_socket(path)
        await dancer.receive_from()
        dancers.append(dancer)
    # Two on the stage page plus one on the set's own page: three follow Main Floor.
    row = await receive_until(dashboard, "<strong>3</strong> listening")
    assert f'id="organizer-stage-{main.code}"' in row
    await dancers[0].disconnect()
    await receive_until(dashboard, "<strong>2</strong> listening")
    for dancer in dancers[1:]:
        await dancer.disconnect()
    await dashboard.disconnect()


async def test_the_organizer_socket_is_only_for_the_events_organizer():
    event, _ = await published_event()
    other = await database_sync_to_async(make_organizer)("other@example.com")
    for user in (None, other):
        _, connected, code = await open_socket(f"/ws/organize/{event.slug}/", user)
        assert not connected and code == 4404


async def test_the_organizer_socket_closes_when_approval_is_withdrawn():
    event, organizer = await published_event()

    @database_sync_to_async
    def withdraw():
        organizer.organizer_applications.update(status="rejected")

    await withdraw()
    _, connected, code = await open_socket(f"/ws/organize/{event.slug}/", organizer)
    assert not connected and code == 4404
