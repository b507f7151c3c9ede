"""The live WebSocket: current state on connect, tracks as they are posted, exact routing."""

import pytest
from channels.db import database_sync_to_async

from stages.models import DJSet
from tests.sockets import open_socket

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def go_live(user, name="DJ Nova"):
    return DJSet.objects.go_live(user, name)[0]


@database_sync_to_async
def add_track(dj_set, **fields):
    return dj_set.add_track(**fields)[0]


@database_sync_to_async
def end(dj_set):
    dj_set.end()


async def test_a_phone_gets_the_current_track_at_once_on_connect(dj):
    dj_set = await go_live(dj)
    await add_track(dj_set, artist="Ella Henderson", title="Ghost")
    communicator, connected, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    assert connected
    state = await communicator.receive_from()
    assert 'id="now-playing"' in state and "Ghost" in state and "Ella Henderson" in state
    assert 'id="set-list"' in state
    await communicator.disconnect()


async def test_a_posted_track_reaches_the_open_page(dj):
    dj_set = await go_live(dj)
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await add_track(dj_set, artist="Bruno Mars", title="Leave the Door Open")
    pushed = await communicator.receive_from()
    assert "Leave the Door Open" in pushed
    assert 'class="eyebrow">Now playing' in pushed
    await communicator.disconnect()


async def test_html_in_a_title_is_text_in_the_pushed_fragment(dj):
    dj_set = await go_live(dj, "<b>DJ</b>")
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await add_track(dj_set, artist="<img src=x onerror=alert(1)>", title="<script>alert(1)</script>")
    pushed = await communicator.receive_from()
    assert "<script>" not in pushed and "<img src=x" not in pushed and "<b>DJ</b>" not in pushed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pushed
    assert "&lt;b&gt;DJ&lt;/b&gt;" in pushed
    await communicator.disconnect()


async def test_ending_the_set_shows_the_ended_state(dj):
    dj_set = await go_live(dj)
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await end(dj_set)
    pushed = await communicator.receive_from()
    assert "This set has ended" in pushed
    await communicator.disconnect()


async def test_a_track_reaches_only_its_own_sets_pages(dj, other_dj):
    mine, theirs = await go_live(dj), await go_live(other_dj, "DJ Other")
    my_page, _, _ = await open_socket(f"/ws/sessions/{mine.code}/")
    their_page, _, _ = await open_socket(f"/ws/sessions/{theirs.code}/")
    await my_page.receive_from()
    await their_page.receive_from()
    await add_track(mine, artist="A", title="Only for mine")
    assert "Only for mine" in await my_page.receive_from()
    assert await their_page.receive_nothing(timeout=0.3)
    await my_page.disconnect()
    await their_page.disconnect()


async def test_an_unknown_set_code_is_refused():
    communicator, connected, code = await open_socket("/ws/sessions/nosuchcode/")
    assert not connected
    assert code == 4404


async def test_the_listener_count_is_pushed_coalesced(dj):
    dj_set = await go_live(dj)
    pages = []
    for _ in range(3):
        page, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
        await page.receive_from()
        pages.append(page)
    # Three joins within a second become one count message per page, not three.
    counts = [await page.receive_from(timeout=3) for page in pages]
    assert all('id="listeners"' in c and "3 listening" in c for c in counts)
    assert await pages[0].receive_nothing(timeout=1.3)
    for page in pages:
        await page.disconnect()


async def test_messages_from_the_page_are_ignored(dj):
    dj_set = await go_live(dj)
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await communicator.send_to(text_data='{"type": "live.html", "html": "<p>spoof</p>"}')
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_new_track_sends_only_the_new_card_and_one_set_list_entry(dj):
    dj_set = await go_live(dj)
    for title in ("First", "Second"):
        await add_track(dj_set, artist="A", title=title)
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await add_track(dj_set, artist="A", title="Third")
    pushed = await communicator.receive_from()
    assert 'id="now-playing"' in pushed and "Third" in pushed
    # The track it replaced goes on top of the list; older ones are already on the page.
    assert pushed.count('<ol id="set-list-tracks" hx-swap-oob="afterbegin">') == 1
    assert pushed.count("data-track=") == 1 and "Second" in pushed
    assert "First" not in pushed and 'id="set-list"' not in pushed
    await communicator.disconnect()


async def test_a_late_track_resends_the_whole_list_in_order(dj):
    from datetime import timedelta

    from django.utils import timezone

    dj_set = await go_live(dj)
    await add_track(dj_set, artist="A", title="Opening song", played_at=timezone.now() - timedelta(minutes=20))
    await add_track(dj_set, artist="A", title="Current")
    communicator, _, _ = await open_socket(f"/ws/sessions/{dj_set.code}/")
    await communicator.receive_from()
    await add_track(dj_set, artist="A", title="Posted late", played_at=timezone.now() - timedelta(minutes=10))
    pushed = await communicator.receive_from()
    now_playing = pushed[pushed.index('id="now-playing"'):pushed.index('id="set-list"')]
    assert "Current" in now_playing and "Posted late" not in now_playing
    set_list = pushed[pushed.index('id="set-list"'):]
    assert set_list.index("Posted late") < set_list.index("Opening song")
    await communicator.disconnect()
