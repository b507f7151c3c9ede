"""Listener counts: a set's audience is its own page plus its stage's page while it drives it."""


import httpx
import pytest
import websockets
from channels.db import database_sync_to_async

from events.models import Event
from stages.models import DJSet
from tests.live_server import socket_receive_until
from tests.personas import make_event, make_organizer
from tests.sockets import connect, receive_until


async def drain(communicator):
    """Drop what is queued (repeated count messages) until a quiet moment."""
    while not await communicator.receive_nothing(timeout=1.2):
        await communicator.receive_from()


def make_main_floor():
    event = make_event(make_organizer("org@example.com"), status=Event.Status.PUBLISHED, stages=("Main Floor",))
    return event.stages.get()


main_floor = database_sync_to_async(make_main_floor)


@database_sync_to_async
def go_live(user, name, stage=None):
    return DJSet.objects.go_live(user, name, stage)[0]


@pytest.mark.django_db(transaction=True)
async def test_the_dj_sees_the_stage_pages_listeners_while_their_set_drives_the_stage(dj, other_dj):
    stage = await main_floor()
    dj_set = await go_live(dj, "DJ Alpha", stage)
    dashboard, _ = await connect(f"/ws/sessions/{dj_set.code}/?dj=1")  # the DJ's own socket is not counted
    pages = [(await connect(f"/ws/stages/{stage.code}/"))[0] for _ in range(2)]
    pages.append((await connect(f"/ws/sessions/{dj_set.code}/"))[0])
    # Two on the stage page, one on the set's own page: the DJ, the stage and the set page all say 3.
    for socket in [dashboard, *pages]:
        await receive_until(socket, "3 listening")

    for socket in [dashboard, *pages]:
        await drain(socket)

    # DJ Bravo takes the stage: the stage pages now count for Bravo; Alpha keeps their own page.
    await go_live(other_dj, "DJ Bravo", stage)
    assert "1 listening" in await receive_until(dashboard, 'id="listeners"')
    assert "2 listening" in await receive_until(pages[0], 'id="listeners"')
    for socket in [dashboard, *pages]:
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_quick_start_set_counts_only_its_own_page(dj):
    dj_set = await go_live(dj, "DJ Alpha")
    dashboard, _ = await connect(f"/ws/sessions/{dj_set.code}/?dj=1")
    pages = [(await connect(f"/ws/sessions/{dj_set.code}/"))[0] for _ in range(2)]
    assert "2 listening" in await receive_until(dashboard, "listening")
    await pages[0].disconnect()
    assert "1 listening" in await receive_until(dashboard, "1 listening")
    await pages[1].disconnect()
    await dashboard.disconnect()


@pytest.mark.django_db
def test_the_dashboard_and_now_playing_start_from_the_same_count(client, dj):
    from pika import listeners

    stage = make_main_floor()
    dj_set = DJSet.objects.go_live(dj, "DJ Alpha", stage)[0]
    listeners.record(f"stage.{stage.pk}", 40, "elsewhere")
    listeners.record(f"session.{dj_set.pk}", 2, "elsewhere")
    assert client.get(f"/api/v1/stages/{stage.code}/now-playing").json()["listeners"] == 42
    assert "42 listening" in client.get(f"/s/{stage.code}").content.decode()
    assert "42 listening" in client.get(f"/live/{dj_set.code}").content.decode()
    client.force_login(dj)
    assert "42 listening" in client.get("/dj/").content.decode()


# Across two real server processes sharing Redis.

async def test_stage_and_set_counts_add_up_across_processes(redis_servers, dj_token):
    first, second = redis_servers
    stage = await main_floor()
    async with httpx.AsyncClient(base_url=first.url, headers={"Authorization": f"Bearer {dj_token}"}) as api:
        dj_set = (await api.post("/api/v1/sessions", json={"dj_name": "DJ Nova", "stage": stage.code})).json()
        assert dj_set["stage"]["code"] == stage.code

        def url(server, path):
            return server.url.replace("http", "ws") + path

        sockets = []
        for server, path in [(first, f"/ws/stages/{stage.code}/"), (first, f"/ws/stages/{stage.code}/"),
                             (second, f"/ws/stages/{stage.code}/"), (second, f"/ws/sessions/{dj_set['code']}/")]:
            socket = await websockets.connect(url(server, path), origin=server.url)
            await socket.recv()
            sockets.append(socket)
        dj_socket = await websockets.connect(url(second, f"/ws/sessions/{dj_set['code']}/?dj=1"), origin=second.url)
        await dj_socket.recv()

        # Every page, on either process, and the DJ end up with all four listeners.
        for socket in [*sockets, dj_socket]:
            await socket_receive_until(socket, "4 listening")
        now = (await api.get(f"/api/v1/stages/{stage.code}/now-playing")).json()
        assert now["listeners"] == 4

        await sockets[0].close()
        await sockets[2].close()
        for socket in [sockets[1], sockets[3], dj_socket]:
            await socket_receive_until(socket, "2 listening")
        assert (await api.get(f"/api/v1/stages/{stage.code}/now-playing")).json()["listeners"] == 2
        for socket in [sockets[1], sockets[3], dj_socket]:
            await socket.close()
