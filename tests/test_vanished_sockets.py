"""Phones that vanish without a close frame (out of wifi, battery dead) leave nothing behind.

A real server process pings every socket (uvicorn, here every 3 s with a 5 s
timeout instead of 20 s + 20 s) and closes those that no longer answer; each close takes the
socket out of its listener count and lets go of its memory.
"""

import asyncio
import re

import httpx
import pytest

from events.models import Event
from tests.live_server import server_for_test
from tests.personas import make_event, make_organizer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONES = 1000


def listening(server, stage):
    html = httpx.get(f"{server.url}/s/{stage.code}", timeout=10).text
    return int(re.search(r"(\d+) listening", html)[1])


async def answer_pings(reader, writer, gone):
    """Read frames and answer pings (masked pongs, as clients must) until `gone` is set."""
    while True:
        head = await reader.readexactly(2)
        length = head[1] & 0x7F
        if length == 126:
            length = int.from_bytes(await reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await reader.readexactly(8), "big")
        payload = await reader.readexactly(length)
        if head[0] & 0x0F == 0x9 and not gone.is_set():
            mask = b"pika"
            writer.write(bytes([0x8A, 0x80 | len(payload)]) + mask
                         + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        if gone.is_set():
            return  # from now on nothing is read or answered: the phone is gone


async def vanishing_phones(server, stage, count, gone):
    """Open `count` sockets by hand that answer pings until `gone`, then never again."""
    gate = asyncio.Semaphore(100)
    readers = []
    request = (f"GET /ws/stages/{stage.code}/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               f"Sec-WebSocket-Version: 13\r\nOrigin: {server.url}\r\n\r\n").encode()

    async def phone():
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(request)
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
            readers.append(asyncio.create_task(answer_pings(reader, writer, gone)))
            return writer

    return await asyncio.gather(*(phone() for _ in range(count)))


async def wait_for(check, timeout=60):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await asyncio.to_thread(check):
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.5)


async def two_rounds(server, stage):
    rounds = []
    for _ in range(2):
        gone = asyncio.Event()
        writers = await vanishing_phones(server, stage, PHONES, gone)
        await wait_for(lambda: listening(server, stage) == PHONES)
        grown = server.rss_mb()
        gone.set()
        # No pong ever comes: the server closes each socket after its ping timeout.
        await wait_for(lambda: listening(server, stage) == 0)
        rounds.append((grown, server.rss_mb()))
        for writer in writers:
            writer.close()
    return rounds


def test_phones_that_vanish_are_uncounted_and_forgotten():
    organizer = make_organizer("org@example.com")
    stage = make_event(organizer, status=Event.Status.PUBLISHED, stages=("Main Floor",)).stages.get()
    server = server_for_test(extra_args=("--ws-ping-interval", "3", "--ws-ping-timeout", "5")).start()
    try:
        listening(server, stage)  # warm: templates, the first state
        rss_before = server.rss_mb()
        (first_peak, first_after), (second_peak, second_after) = asyncio.run(two_rounds(server, stage))
        assert first_peak - rss_before > 5  # the sockets really held memory while open
        # What the first thousand held was let go and served the second thousand: the
        # process does not grow by another thousand sockets' worth.
        assert second_after - first_after < (first_peak - rss_before) / 3, (rss_before, first_peak, first_after,
                                                                            second_peak, second_after)
    finally:
        server.stop()
