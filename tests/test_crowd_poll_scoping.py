"""A poll reaches only its own set's pages: the set's page and its stage's page while the
set drives it; never another stage's page, another set's page or another event's page.
Phones connecting or reconnecting get the poll as it stands (tallies included) at once."""


import pytest
from channels.db import database_sync_to_async

from crowd.models import Poll
from tests.crowd_helpers import answer, start_poll
from tests.personas import dancer_phone, played_set
from tests.sockets import connect, hears_nothing_about, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def answer_from_a_new_phone(poll, position):
    return answer(dancer_phone(), poll, position)


@pytest.fixture
def rooms(weekend, dj, other_dj, organizer):
    from tests.personas import make_dj

    nova = played_set(dj, titles=["Ghost"], stage=weekend.main)[0]
    other = played_set(other_dj, titles=["Blue"], dj_name="DJ Other", stage=weekend.blues)[0]
    paris = played_set(make_dj("paris-dj@example.com", "DJ Paris"), titles=["Bal"], dj_name="DJ Paris",
                       stage=weekend.ballroom)[0]
    return weekend, nova, other, paris


async def test_a_poll_reaches_its_set_and_stage_pages_and_nowhere_else(rooms):
    weekend, nova, other, paris = rooms
    pages = {
        "nova-set": f"/ws/sessions/{nova.code}/",
        "main-stage": f"/ws/stages/{weekend.main.code}/",
        "blues-stage": f"/ws/stages/{weekend.blues.code}/",
        "other-set": f"/ws/sessions/{other.code}/",
        "paris-stage": f"/ws/stages/{weekend.ballroom.code}/",
        "paris-set": f"/ws/sessions/{paris.code}/",
        "spring-event": f"/ws/events/{weekend.event.slug}/",
        "paris-event": f"/ws/events/{weekend.other_event.slug}/",
    }
    sockets = {}
    for name, path in pages.items():
        sockets[name], state = await connect(path)
        assert "Next style?" not in state
    poll = await database_sync_to_async(start_poll)(nova, "Next style?", ["Blues", "Pop"])
    for name in ("nova-set", "main-stage"):
        pushed = await receive_until(sockets[name], "crowd-poll")
        assert pushed.split("-->", 1)[1].startswith('<div id="crowd-poll" class="poll-slot">')
        assert f'data-poll="{poll.code}"' in pushed and "Next style?" in pushed
    for name in ("blues-stage", "other-set", "paris-stage", "paris-set", "spring-event", "paris-event"):
        assert await hears_nothing_about(sockets[name], "crowd-poll", within=0.3), name
    for communicator in sockets.values():
        await communicator.disconnect()


async def test_answers_and_the_end_reach_the_open_pages_without_anyones_own_answer(rooms):
    weekend, nova, _, _ = rooms
    poll = await database_sync_to_async(start_poll)(nova, "Next style?", ["Blues", "Pop"])
    stage_page, state = await connect(f"/ws/stages/{weekend.main.code}/")
    assert f'data-poll="{poll.code}"' in state
    await answer_from_a_new_phone(poll, 1)
    pushed = await receive_until(stage_page, "crowd-poll")
    assert '<span class="poll-total">1 answer</span>' in pushed
    assert "data-mine" not in pushed and "is-answered" not in pushed  # crowd.js marks each phone's own
    await database_sync_to_async(poll.end)()
    pushed = await receive_until(stage_page, "crowd-poll")
    assert "is-closed" in pushed and "Final results" in pushed
    await database_sync_to_async(lambda: Poll.objects.get(pk=poll.pk).end(cancel=True))()
    # (Tasks run inline here: the end's "results gone" push came right after it.)
    pushed = await receive_until(stage_page, '<div id="crowd-poll" class="poll-slot"></div>')
    assert pushed.endswith('<div id="crowd-poll" class="poll-slot"></div>')
    await stage_page.disconnect()


async def test_a_reconnecting_phone_gets_the_current_tallies_at_once(rooms):
    weekend, nova, _, _ = rooms
    poll = await database_sync_to_async(start_poll)(nova, "Next style?", ["Blues", "Pop"])
    first, state = await connect(f"/ws/sessions/{nova.code}/")
    assert '<span class="poll-total">0 answers</span>' in state
    await first.disconnect()
    for _ in range(3):
        await answer_from_a_new_phone(poll, 0)
    # The same process, a cached first state: the answers bumped the page's version.
    again, state = await connect(f"/ws/sessions/{nova.code}/")
    assert '<span class="poll-total">3 answers</span>' in state
    assert '<progress max="3" value="3" aria-label="3 of 3"></progress>' in state
    await again.disconnect()
    stage_page, state = await connect(f"/ws/stages/{weekend.main.code}/")
    assert '<span class="poll-total">3 answers</span>' in state
    await stage_page.disconnect()


async def test_poll_text_is_text_in_the_pushed_fragment(rooms):
    weekend, nova, _, _ = rooms
    page, _ = await connect(f"/ws/sessions/{nova.code}/")
    await database_sync_to_async(start_poll)(nova, "<script>alert(1)</script>", ["<b>A</b>", "<img src=x onerror=alert(1)>"])
    pushed = await receive_until(page, "crowd-poll")
    assert "<script>" not in pushed and "<b>" not in pushed and "<img" not in pushed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pushed and "&lt;img src=x onerror=alert(1)&gt;" in pushed
    await page.disconnect()
