"""What an open phone's socket keeps (docs/benchmarks.md, "Memory"): a live page's consumer
runs in the one task its server gave it, and uvicorn forgets the upgrade request and response
once the socket is open. A thousand phones on one process is what these bytes are multiplied by."""

import asyncio

import pytest
import uvicorn
import websockets
from asgiref.sync import sync_to_async

from pika.asgi import application
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


async def test_an_open_socket_on_uvicorn_keeps_no_handshake_and_still_gets_tracks(event, dj_token):
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off",
                                           ws_per_message_deflate=False, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/stages/{stage.code}/",
                                      origin=f"http://127.0.0.1:{port}") as phone:
            await phone.recv()  # the first state
            (socket,) = server.server_state.connections
            assert type(socket).__name__ == "WebSocketsSansIOProtocol"  # what `make run` serves with
            assert (socket.handshake_complete, socket.request, socket.response) == (True, None, None)
            dj_set = await sync_to_async(_post_track)(port, stage.code, dj_token)
            while "Footprint Song" not in await asyncio.wait_for(phone.recv(), 10):
                pass
            assert dj_set["stage"]["code"] == stage.code
    finally:
        server.should_exit = True
        await serving


def _post_track(port, stage_code, token):
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=10,
                      headers={"Authorization": f"Bearer {token}"}) as api:
        dj_set = api.post("/sessions", json={"stage": stage_code}).json()
        response = api.post(f"/sessions/{dj_set['id']}/tracks", json={"artist": "Artist", "title": "Footprint Song"})
        assert response.status_code == 201, response.text
    return dj_set
