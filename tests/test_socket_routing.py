"""Sockets are routed by pika/routing.py's SocketRouter: Channels' origin check and URL
routes in one coroutine (a phone's socket holds no router frames or scope copies)."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from pika.asgi import application
from pika.routing import SocketRouter, websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)

HOST = (b"host", b"127.0.0.1:8000")


async def stage_code(event):
    return await sync_to_async(lambda: event.stages.get(name="Main Floor").code)()


async def open_with(path, headers, root_path=""):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    if root_path:
        communicator.scope["root_path"] = root_path
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_a_page_of_this_site_opens_its_stages_socket_and_gets_the_state(event):
    code = await stage_code(event)
    phone, connected, _ = await open_with(f"/ws/stages/{code}/", [(b"origin", b"http://127.0.0.1:8000"), HOST])
    assert connected
    assert "Main Floor" in await phone.receive_from()
    await phone.disconnect()


@pytest.mark.parametrize("origin", [[(b"origin", b"https://evil.example")], [], [(b"origin", b"http://\xff.example")]],
                         ids=["another site", "no origin", "odd bytes"])
async def test_a_socket_from_elsewhere_is_refused(event, origin):
    code = await stage_code(event)
    phone, connected, _ = await open_with(f"/ws/stages/{code}/", origin + [HOST])
    assert connected is False
    await phone.disconnect()


async def test_the_last_origin_header_is_the_one_checked(event):
    code = await stage_code(event)
    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"origin", b"https://evil.example"), HOST]
    phone, connected, _ = await open_with(f"/ws/stages/{code}/", headers)
    assert connected is False
    await phone.disconnect()


async def test_a_site_served_under_a_prefix_routes_below_it(event):
    code = await stage_code(event)
    phone, connected, _ = await open_with(f"/pika/ws/stages/{code}/", [(b"origin", b"http://127.0.0.1:8000"), HOST],
                                          root_path="/pika")
    assert connected
    assert "Main Floor" in await phone.receive_from()
    await phone.disconnect()


async def test_a_path_no_page_opens_is_refused_at_the_handshake(event):
    phone, connected, _ = await open_with("/ws/nowhere/", [(b"origin", b"http://127.0.0.1:8000"), HOST])
    assert connected is False
    await phone.disconnect()


def test_routes_resolve_to_their_app_and_arguments_and_an_unknown_path_to_nothing():
    router = SocketRouter(websocket_urlpatterns)
    app, route = router.resolve({"path": "/ws/events/spring-swing/timetable/"})
    assert (app.consumer_class.__name__, route) == ("TimetableConsumer",
                                                    {"args": (), "kwargs": {"code": "spring-swing"}})
    app, route = router.resolve({"path": "/ws/lobby/"})
    assert (app.consumer_class.__name__, route) == ("LobbyConsumer", {"args": (), "kwargs": {}})
    assert router.resolve({"path": "/ws/nowhere/"}) is None
    assert router.resolve({"path": "/elsewhere/ws/lobby/", "root_path": "/pika"}) is None
