"""A server's output is what an operator needs: no line per phone, no warning per process."""

import asyncio
import logging
import re

import httpx
import pytest
import websockets

from pika.logs import QuietSockets


def record(message, *args, level=logging.INFO):
    return logging.LogRecord("uvicorn.error", level, __file__, 1, message, args, None)


def test_socket_chatter_is_dropped_and_problems_are_kept():
    quiet = QuietSockets()
    assert not quiet.filter(record("connection open"))
    assert not quiet.filter(record("connection closed"))
    assert not quiet.filter(record("connection rejected (%d %s)", 403, "Forbidden"))
    assert quiet.filter(record("Exception in ASGI application\n", level=logging.ERROR))
    assert quiet.filter(record("Uvicorn running on %s://%s:%d (Press CTRL+C to quit)", "http", "127.0.0.1", 8000))


def test_handshake_lines_follow_the_access_log(monkeypatch):
    handshake = record('%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", "/ws/stages/abc/")
    access = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(access, "handlers", [])
    assert not QuietSockets().filter(handshake)  # --no-access-log
    monkeypatch.setattr(access, "handlers", [logging.NullHandler()])
    assert QuietSockets().filter(handshake)


@pytest.mark.slow
def test_a_server_with_sockets_and_static_files_prints_nothing_per_request(server_process):
    from events.models import Event
    from tests.personas import make_event, make_organizer

    event = make_event(make_organizer("org@example.com"), status=Event.Status.PUBLISHED)
    stage = event.stages.get(name="Main Floor")
    server = server_process()

    async def dancers():
        for _ in range(3):
            async with websockets.connect(f"ws://127.0.0.1:{server.port}/ws/stages/{stage.code}/",
                                          origin=server.url) as socket:
                await socket.recv()

    asyncio.run(dancers())
    page = httpx.get(f"{server.url}/s/{stage.code}")
    assert page.status_code == 200
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text).group(1)
    assert httpx.get(server.url + stylesheet).status_code == 200  # a static file, as WhiteNoise serves it
    server.stop()
    lines = [line for line in server.log_path.read_text().splitlines() if line.strip()]
    assert lines == [
        f"INFO:     Started server process [{server.process.pid}]",
        f"INFO:     Uvicorn running on http://127.0.0.1:{server.port} (Press CTRL+C to quit)",
        "INFO:     Shutting down",
        f"INFO:     Finished server process [{server.process.pid}]",
    ]


@pytest.mark.slow
def test_a_server_starts_its_own_log_on_a_port_an_earlier_one_used_and_a_restart_adds_to_it(transactional_db):
    from tests.live_server import free_port, server_for_test

    server = server_for_test(port=free_port())
    server.log_path.parent.mkdir(parents=True, exist_ok=True)
    server.log_path.write_text("INFO:     Finished server process [1]\n")  # an earlier run's server
    pids = [server.start().process.pid, server.restart().process.pid]
    server.stop()
    lines = [line for line in server.log_path.read_text().splitlines() if line.strip()]
    assert lines == [line for pid in pids for line in (
        f"INFO:     Started server process [{pid}]",
        f"INFO:     Uvicorn running on http://127.0.0.1:{server.port} (Press CTRL+C to quit)",
        "INFO:     Shutting down",
        f"INFO:     Finished server process [{pid}]",
    )]
