"""A room answering at once is not a message per answer per phone: the dancers' tallies go
out at most once per PIKA_CROWD_TALLY_SECONDS per poll, the first at once and the final
numbers after the window."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from pika.asgi import application
from tests.crowd_helpers import answer, start_poll
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db(transaction=True)


@database_sync_to_async
def answers_from_new_phones(poll, n):
    for _ in range(n):
        assert answer(dancer_phone(), poll, 0).status_code == 302


async def test_a_burst_of_answers_is_two_messages_and_ends_on_the_final_tally(dj, settings):
    # A window far longer than six answers take, even on a busy machine.
    settings.PIKA_CROWD_TALLY_SECONDS = 3
    dj_set = (await database_sync_to_async(played_set)(dj, titles=["Ghost"]))[0]
    poll = await database_sync_to_async(start_poll)(dj_set, "Next?", ["A", "B"])
    page = WebsocketCommunicator(application, f"/ws/sessions/{dj_set.code}/",
                                 headers=[(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")])
    assert (await page.connect())[0]
    await page.receive_from()  # the state
    await answers_from_new_phones(poll, 6)
    tallies = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 4.5
    while loop.time() < deadline:
        if await page.receive_nothing(timeout=0.1):
            continue
        message = await page.receive_from()
        if "crowd-poll" in message:
            tallies.append(message.split('<span class="poll-total">')[1].split("<")[0])
    assert len(tallies) == 2, tallies
    assert tallies[0] == "1 answer" and tallies[-1] == "6 answers"
    await page.disconnect()
