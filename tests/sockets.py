"""Pages' sockets in tests: Channels' WebsocketCommunicator on our ASGI application, opened
as a browser on the site opens them (its origin and host; a signed-in user's session cookie)."""

import asyncio

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from pika.asgi import application

HEADERS = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


def session_cookie(user):
    """The `cookie` header of a browser signed in as `user`."""
    browser = Client()
    browser.force_login(user)
    return (b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode())


async def open_socket(path, user=None, headers=()):
    """(communicator, connected, close code): whether the socket may open at all."""
    extra = list(headers)
    if user is not None:
        extra.append(await database_sync_to_async(session_cookie)(user))
    communicator = WebsocketCommunicator(application, path, headers=HEADERS + extra)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def connect(path, user=None):
    """A socket that opens: (communicator, its first message, the state on connect)."""
    communicator, connected, code = await open_socket(path, user)
    assert connected, (path, code)
    return communicator, await communicator.receive_from()


async def receive_until(communicator, text, timeout=4):
    """The next message containing `text`, skipping others (listener counts)."""
    while True:
        message = await communicator.receive_from(timeout=timeout)
        if text in message:
            return message


async def hears_nothing_about(communicator, text, within=1.0):
    """No message containing `text` arrives within `within` seconds (others may)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if await communicator.receive_nothing(timeout=0.1):
            continue
        if text in await communicator.receive_from():
            return False
    return True
