"""Routing is exact at scale: 100 sets, 1000 open pages, every page gets its own set's tracks only.

Half the sets play on a stage (each of its own published event): five of their pages are the
stage page, five the set's own page. The other half are Quick Start sets with ten pages each.
"""

import asyncio
import re
import time

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.models import ApiToken, User
from events.models import Event
from pika.asgi import application
from stages.models import DJSet
from tests.personas import make_event, make_organizer

SESSIONS, PAGES_EACH, TRACKS_EACH = 100, 10, 2
TITLE = re.compile(r"Song s(\d{3}) #\d")
HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]

pytestmark = pytest.mark.slow  # 1000 sockets


def create_sets():
    """100 live sets by 100 DJs; the first half each drive the only stage of their own event.

    Returns [(dj_set, token, [page paths])].
    """
    organizer = make_organizer("org@example.com")
    sets = []
    for index in range(SESSIONS):
        dj = User.objects.create_user(email=f"dj{index:03}@example.com", display_name=f"DJ {index:03}")
        _, token = ApiToken.issue(dj, "scale test")
        stage = None
        if index < SESSIONS // 2:
            event = make_event(organizer, name=f"Weekend {index:03}", slug=f"weekend-{index:03}",
                               status=Event.Status.PUBLISHED, stages=("Main Floor",))
            stage = event.stages.get()
        dj_set = DJSet.objects.go_live(dj, f"DJ {index:03}", stage)[0]
        own = f"/ws/sessions/{dj_set.code}/"
        if stage:
            paths = [f"/ws/stages/{stage.code}/"] * (PAGES_EACH // 2) + [own] * (PAGES_EACH // 2)
        else:
            paths = [own] * PAGES_EACH
        sets.append((dj_set, token, paths))
    return sets


def titles(index):
    return {f"Song s{index:03} #{n}" for n in range(TRACKS_EACH)}


def check_routing(received):
    """Every page got each of its set's titles, and no title of another set."""
    for index, messages in received:
        seen = set(TITLE.findall("".join(messages)))
        assert seen == {f"{index:03}"}, f"set {index} page saw sets {sorted(seen)}"
        assert all(title in "".join(messages) for title in titles(index))


@pytest.mark.django_db(transaction=True)
async def test_100_sets_and_1000_pages_in_one_process():
    started = time.monotonic()
    sets = await database_sync_to_async(create_sets)()
    pages = []

    async def open_page(index, path):
        communicator = WebsocketCommunicator(application, path, headers=HEADERS)
        connected, _ = await communicator.connect(timeout=10)
        assert connected
        await communicator.receive_from(timeout=10)  # the current state
        return index, communicator

    for index, (_, _, paths) in enumerate(sets):
        pages += await asyncio.gather(*(open_page(index, path) for path in paths))
    assert len(pages) == SESSIONS * PAGES_EACH

    @database_sync_to_async
    def post_all():
        for n in range(TRACKS_EACH):
            for index, (dj_set, _, _) in enumerate(sets):
                dj_set.add_track(artist=f"Artist {index:03}", title=f"Song s{index:03} #{n}")

    await post_all()

    async def collect(index, communicator):
        messages, wanted = [], titles(index)
        while not all(title in "".join(messages) for title in wanted):
            messages.append(await communicator.receive_from(timeout=15))
        # Anything still in flight would have to be counted too: wait for a quiet moment.
        while not await communicator.receive_nothing(timeout=0.05):
            messages.append(await communicator.receive_from())
        return index, messages

    received = await asyncio.gather(*(collect(index, page) for index, page in pages))
    check_routing(received)
    await asyncio.gather(*(page.disconnect() for _, page in pages))
    print(f"\n100 sets / 1000 pages in one process: {time.monotonic() - started:.1f} s")


# The same across two real server processes sharing Redis (conftest's redis_servers).

async def test_100_sets_and_1000_pages_across_two_processes(redis_servers):
    started = time.monotonic()
    first, second = redis_servers
    sets = await database_sync_to_async(create_sets)()

    async def open_page(index, number, path):
        server = (first, second)[number % 2]  # each set's pages are spread over both processes
        socket = await websockets.connect(server.url.replace("http", "ws") + path, origin=server.url,
                                          open_timeout=30, max_queue=None)
        await socket.recv()
        return index, socket

    pages = []
    for index, (_, _, paths) in enumerate(sets):
        pages += await asyncio.gather(*(open_page(index, number, path) for number, path in enumerate(paths)))
    assert len(pages) == SESSIONS * PAGES_EACH

    # Each track goes to one process; half the pages of its set sit on the other one.
    limits = httpx.Limits(max_connections=10)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        async def post(index, dj_set, token, n):
            base = (first, second)[index % 2].url
            response = await http.post(f"{base}/api/v1/sessions/{dj_set.pk}/tracks",
                                       json={"artist": f"Artist {index:03}", "title": f"Song s{index:03} #{n}"},
                                       headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 201, response.text

        for n in range(TRACKS_EACH):
            await asyncio.gather(*(post(index, dj_set, token, n) for index, (dj_set, token, _) in enumerate(sets)))

    async def collect(index, socket):
        messages, wanted = [], titles(index)
        while not all(title in "".join(messages) for title in wanted):
            messages.append(await asyncio.wait_for(socket.recv(), 30))
        try:
            while True:
                messages.append(await asyncio.wait_for(socket.recv(), 0.05))
        except TimeoutError:
            pass
        return index, messages

    received = await asyncio.gather(*(collect(index, socket) for index, socket in pages))
    check_routing(received)
    await asyncio.gather(*(socket.close() for _, socket in pages))
    print(f"\n100 sets / 1000 pages over two processes: {time.monotonic() - started:.1f} s")
