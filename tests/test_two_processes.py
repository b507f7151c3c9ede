"""Two real ASGI server processes sharing Redis serve one stage together."""

import httpx
import websockets

from tests.live_server import socket_receive_until


async def test_a_track_posted_to_one_process_reaches_a_socket_on_the_other(redis_servers, dj_token):
    first, second = redis_servers
    headers = {"Authorization": f"Bearer {dj_token}"}
    async with httpx.AsyncClient(base_url=first.url, headers=headers) as api:
        dj_set = (await api.post("/api/v1/sessions", json={"dj_name": "DJ Nova"})).json()
        ws_url = second.url.replace("http", "ws") + f"/ws/sessions/{dj_set['code']}/"
        async with websockets.connect(ws_url, origin=second.url) as socket:
            assert 'id="now-playing"' in await socket.recv()
            response = await api.post(f"/api/v1/sessions/{dj_set['id']}/tracks",
                                      json={"artist": "Ella Henderson", "title": "Ghost across processes"})
            assert response.status_code == 201
            pushed = await socket_receive_until(socket, "Ghost across processes")
            assert "Ella Henderson" in pushed


async def test_listener_counts_add_up_across_processes(redis_servers, dj_token):
    first, second = redis_servers
    headers = {"Authorization": f"Bearer {dj_token}"}
    async with httpx.AsyncClient(base_url=first.url, headers=headers) as api:
        dj_set = (await api.post("/api/v1/sessions", json={})).json()
    path = f"/ws/sessions/{dj_set['code']}/"
    sockets = []
    for server in (first, first, second):
        socket = await websockets.connect(server.url.replace("http", "ws") + path, origin=server.url)
        await socket.recv()
        sockets.append(socket)
    # Every page, whichever process holds it, ends up showing all three listeners.
    for socket in sockets:
        await socket_receive_until(socket, "3 listening")
    for socket in sockets:
        await socket.close()
