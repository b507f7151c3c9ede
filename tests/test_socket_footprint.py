"""What an open phone's socket keeps (docs/benchmarks.md, "Memory"): a live page's consumer
runs in the one task its server gave it, and once the socket is open uvicorn forgets the
upgrade request (websockets' parser too) and waits on a lighter inbox and write gate
(pika/open_sockets.py). A thousand phones on one process is what these bytes are multiplied by."""

import asyncio

import pytest
import uvicorn
import websockets
from asgiref.sync import sync_to_async
from websockets.protocol import Protocol

from pika.asgi import application
from pika.open_sockets import Inbox, WriteGate
from pika.relay import direct_writer, relay
from pika.server_process import free_port
from tests.sockets import connect

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_live_pages_socket_adds_one_task_and_no_task_per_message(event):
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    # The first socket starts the process's relay for the stage's groups (once per process).
    phones = [(await connect(f"/ws/stages/{stage.code}/"))[0]]
    before = asyncio.all_tasks()
    phones += [(await connect(f"/ws/stages/{stage.code}/"))[0] for _ in range(10)]
    # The communicator's own task per socket (the application), and nothing beside it:
    # Channels' loop kept a `receive` task (`Queue.get`) per socket waiting, and made a new
    # one for every message. The listener count's coalesced writes come and go on their own.
    added = sorted(task.get_coro().__qualname__ for task in asyncio.all_tasks() - before
                   if not task.get_coro().cr_code.co_filename.endswith("pika/listeners.py"))
    assert added == ["ProtocolTypeRouter.__call__"] * 10
    for phone in phones:
        await phone.disconnect()


@pytest.fixture
async def uvicorn_server():
    """A real uvicorn server in this event loop, as `make run` serves (sans-I/O WebSockets)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off",
                                           ws_per_message_deflate=False, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield server, port
    server.should_exit = True
    await serving


async def test_an_open_socket_on_uvicorn_keeps_no_handshake_and_still_gets_tracks(event, dj_token, uvicorn_server):
    server, port = uvicorn_server
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/stages/{stage.code}/",
                                  origin=f"http://127.0.0.1:{port}") as phone:
        await phone.recv()  # the first state
        (socket,) = server.server_state.connections
        assert type(socket).__name__ == "WebSocketsSansIOProtocol"  # what `make run` serves with
        assert (socket.handshake_complete, socket.request, socket.response) == (True, None, None)
        assert socket.scope["headers"] == []  # the routers' copies of the scope share this list
        # websockets' parser reads frames without the request it parsed first.
        assert socket.conn.parser.gi_code is Protocol.parse.__code__
        assert "request" not in socket.conn.parser.gi_frame.f_locals
        assert (type(socket.queue), type(socket.writable), socket.writable.is_set()) == (Inbox, WriteGate, True)
        # A page's socket ignores what a phone sends; the fresh parser reads it as a frame.
        await phone.send("hello from a phone")
        dj_set = await sync_to_async(_post_track)(port, stage.code, dj_token)
        while "Footprint Song" not in await asyncio.wait_for(phone.recv(), 10):
            pass
        assert dj_set["stage"]["code"] == stage.code
        (consumer,) = relay().members[f"stage.{stage.id}"]
        assert consumer.scope is socket.scope  # routed without copies of the scope (pika/routing.py)
    # The phone's close reaches the consumer through the inbox: it leaves its groups.
    for _ in range(200):
        if f"stage.{stage.id}" not in relay().members:
            break
        await asyncio.sleep(0.01)
    assert f"stage.{stage.id}" not in relay().members


async def test_a_phone_whose_buffer_is_full_gets_its_frames_once_it_drains(event, dj_token, uvicorn_server):
    server, port = uvicorn_server
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/stages/{stage.code}/",
                                  origin=f"http://127.0.0.1:{port}") as phone:
        await phone.recv()
        (socket,) = server.server_state.connections
        (consumer,) = relay().members[f"stage.{stage.id}"]
        # What uvicorn's transport does when the phone's buffer fills: the gate closes, the
        # relay stops writing to it, and the consumer's own send waits.
        socket.pause_writing()
        assert (socket.writable.is_set(), direct_writer(consumer)) == (False, None)
        sending = asyncio.create_task(consumer.send(text_data="while paused"))
        await asyncio.sleep(0.05)
        assert not sending.done()
        socket.resume_writing()
        await asyncio.wait_for(sending, 5)
        assert await asyncio.wait_for(phone.recv(), 5) == "while paused"
        assert direct_writer(consumer) == socket.transport.write


async def test_the_inbox_hands_out_in_order_and_wakes_a_waiting_reader():
    old = asyncio.Queue()
    old.put_nowait({"type": "websocket.receive", "text": "early"})
    inbox = Inbox(old)
    assert (inbox.qsize(), inbox.empty()) == (1, False)
    assert await inbox.get() == {"type": "websocket.receive", "text": "early"}
    waiting = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    assert not waiting.done()
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    inbox.put_nowait({"type": "websocket.disconnect", "code": 1006})
    assert await waiting == {"type": "websocket.disconnect", "code": 1000}
    assert await inbox.get() == {"type": "websocket.disconnect", "code": 1006}
    assert (inbox.qsize(), inbox.empty(), inbox.waiter) == (0, True, None)
    # A reader cancelled while waiting leaves the inbox as it was.
    cancelled = asyncio.create_task(inbox.get())
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    assert inbox.waiter is None
    inbox.put_nowait("next")
    assert await inbox.get() == "next"


async def test_the_write_gate_holds_senders_until_it_opens():
    gate = WriteGate()
    assert (gate.is_set(), await gate.wait(), gate.waiters) == (True, True, None)
    gate.clear()
    senders = [asyncio.create_task(gate.wait()) for _ in range(2)]
    given_up = asyncio.create_task(gate.wait())
    await asyncio.sleep(0)
    given_up.cancel()
    await asyncio.gather(given_up, return_exceptions=True)
    assert (gate.is_set(), len(gate.waiters), [s.done() for s in senders]) == (False, 2, [False, False])
    gate.set()
    assert await asyncio.gather(*senders) == [True, True]
    assert (gate.is_set(), gate.waiters) == (True, None)


def _post_track(port, stage_code, token):
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        dj_set = api.post("/sessions", json={"stage": stage_code}).json()
        response = api.post(f"/sessions/{dj_set['id']}/tracks", json={"artist": "Artist", "title": "Footprint Song"})
        assert response.status_code == 201, response.text
    return dj_set
