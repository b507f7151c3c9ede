"""The base of every live page's socket: join groups, send the current state, then relay."""

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from pika import listeners
from pika.relay import relay

NOT_FOUND = 4404


class LiveConsumer(AsyncWebsocketConsumer):
    """Base for the live pages. Subclasses say which groups and what state to send."""

    counted_group = None
    held = None
    # No channel of its own per socket: the process's relay receives each group message
    # once and hands it to every local socket (pika/relay.py says why).
    channel_layer_alias = None

    async def connect(self):
        # Off the one shared "thread-sensitive" thread: when a venue's phones reconnect at
        # once, their state queries overlap instead of queueing behind each other.
        load = database_sync_to_async(self.load, thread_sensitive=False)
        state = await load(self.scope["url_route"]["kwargs"]["code"])
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        # What the relay brings before the state is sent waits here, then follows it.
        self.held = []
        for group in self.groups:
            await relay().join(group, self)
        await self.accept()
        # Sent at once: a phone that wakes up or reconnects is never stale.
        await self.send(text_data=state)
        held, self.held = self.held, None
        for message in held:
            await self.dispatch(message)
        if self.counted_group and "dj=1" not in self.scope.get("query_string", b"").decode():
            await listeners.joined(self.counted_group)
        else:
            self.counted_group = None

    async def websocket_disconnect(self, message):
        for group in self.groups:
            relay().leave(group, self)
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def disconnect(self, close_code):
        if self.counted_group:
            await listeners.left(self.counted_group)

    async def receive(self, text_data=None, bytes_data=None):
        """Pages only listen; anything they send is ignored."""

    async def dispatch(self, message):
        if self.held is not None and message["type"] != "websocket.disconnect":
            self.held.append(message)
            return
        # Relaying a rendered fragment touches no database, so skip Channels' per-message
        # close_old_connections(): it is a thread hop per socket per message, and was a
        # third of the server's CPU when a track reached 1000 phones (see docs/benchmarks.md).
        if message["type"] == "live.html":
            await self.send(text_data=message["html"])
        else:
            await super().dispatch(message)

    async def live_html(self, message):
        await self.send(text_data=message["html"])
