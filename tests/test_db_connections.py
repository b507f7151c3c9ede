"""The sockets' database work hands every connection back: to PostgreSQL's pool (on by
default, PIKA_DB_POOL_SIZE), or closed. A connection a worker thread kept would be lost to
the pool for good once that thread ends, and a few of those leave connects waiting for one
(pika/db.py says why Channels' own closing is not enough)."""

import asyncio
import threading

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.db.backends.signals import connection_created

from pika.asgi import application
from pika.db import in_worker_thread
from stages.models import DJSet
from tests.personas import make_dj

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
SETS = 20  # more pages than the pool has connections (8 by default)
SOCKETS_PER_SET = 3


@pytest.fixture
def opened():
    """Every connection opened during the test, with the thread that opened it."""
    found = []

    def created(sender, connection, **kwargs):
        found.append((threading.current_thread().name, connection))

    connection_created.connect(created)
    yield found
    connection_created.disconnect(created)


# The test's own database calls hand their connections back too (Channels' test
# communicator leaves database_sync_to_async's closing switched off once sockets overlap).
@in_worker_thread
def live_sets(count):
    return [DJSet.objects.go_live(make_dj(email=f"dj{n}@example.com", name=f"DJ {n}"), f"DJ {n}")[0]
            for n in range(count)]


@in_worker_thread
def add_track(dj_set, title):
    dj_set.add_track(artist="Artist", title=title)


async def connect(path):
    communicator = WebsocketCommunicator(application, path, headers=HEADERS)
    connected, code = await communicator.connect()
    assert connected, code
    assert "now-playing" in await communicator.receive_from()
    return communicator


async def burst(sets):
    """Every page's sockets connect at once; each set gets a track; all close."""
    pages = await asyncio.gather(*(connect(f"/ws/sessions/{dj_set.code}/")
                                   for dj_set in sets for _ in range(SOCKETS_PER_SET)))
    for dj_set in sets:
        await add_track(dj_set, f"Track for {dj_set.code}")
    for page in pages:
        while "Track for" not in await page.receive_from():
            pass
    for page in pages:
        await page.disconnect()


def still_open(opened):
    return [(thread, wrapper) for thread, wrapper in opened
            if thread != "MainThread" and wrapper.connection is not None]


def given_out(pool):
    stats = pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]


async def test_a_burst_of_connects_hands_every_connection_back(opened):
    database = connections["default"]
    pool = database.pool if database.vendor == "postgresql" else None
    # The test's own connection (its database set up and flushed) stays out meanwhile.
    before = given_out(pool) if pool is not None else None
    sets = await live_sets(SETS)
    await burst(sets)
    # A second burst renders every page again (each changed): it needs the pool's
    # connections back, and gets them.
    await burst(sets)
    await asyncio.sleep(1.5)  # the coalesced listener counts are rendered, then sent
    worker_connections = [thread for thread, _ in opened if thread != "MainThread"]
    assert len(worker_connections) >= SETS  # the sockets' own database work
    assert still_open(opened) == []
    if pool is not None:
        for _ in range(50):  # a connection the pool is still adding counts as given out
            if given_out(pool) == before:
                break
            await asyncio.sleep(0.1)
        assert given_out(pool) == before, pool.get_stats()
        assert pool.get_stats().get("requests_errors", 0) == 0
