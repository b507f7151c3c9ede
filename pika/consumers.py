"""The base of every live page's socket: join groups, send the current state, then relay."""

import asyncio

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from pika import listeners, live_state
from pika.db import in_worker_thread
from pika.open_sockets import lighten
from pika.relay import relay

NOT_FOUND = 4404


class LiveConsumer(AsyncWebsocketConsumer):
    """Base for the live pages. Subclasses say which groups a code means (`find`) and
    render the page's state (`render`); both are plain database functions.

    A connect joins the groups first, then reads their versions, then takes the state of
    those versions (pika/live_state.py): a change committed meanwhile arrives as a message
    after the state, and a message the state already holds is dropped. A page that asks
    with the versions it already shows (`?v=`) is only told that it is current.
    """

    counted_group = None
    counted = None
    held = None
    # One rendered state per version serves every socket of the page (False: per socket,
    # for pages whose state depends on who asks).
    shared_state = True
    # No channel of its own per socket: the process's relay receives each group message
    # once and hands it to every local socket (pika/relay.py says why).
    channel_layer_alias = None

    async def __call__(self, scope, receive, send):
        """Channels' consumer loop without its task per message: Channels runs each
        `receive` in a task under `asyncio.wait`, for consumers that also listen to a channel
        of their own. These have one source (the relay brings group messages), so a plain loop
        does: 4 KB less per open socket (docs/benchmarks.md, "Fourth sitting")."""
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    def find(self, code):
        """(groups, counted group or None) for this page's code, or None: not found."""
        raise NotImplementedError

    def render(self, code):
        """(groups, the page's state as one message) or None if the page is not (or no
        longer) shown. The groups are the rendered object's: they tell a stale `find`."""
        raise NotImplementedError

    async def connect(self):
        code = self.scope["url_route"]["kwargs"]["code"]
        for _ in range(2):
            state = await self._join_and_load(code)
            if state != "moved":
                break
        if state is None or state == "moved":
            await self.close(code=NOT_FOUND)
            return
        await self.accept()
        lighten(self)
        query = self.scope.get("query_string", b"")
        versions, html = state
        marker = live_state.state_marker(versions)
        if versions is not None and live_state.parse_versions(query) == versions:
            await self.send(text_data=marker)
        else:
            # Sent at once: a phone that wakes up or reconnects is never stale.
            await self.send(text_data=marker + html)
        held, self.held = self.held, None
        for message in held:
            if not live_state.already_in(message, versions):
                await self.dispatch(message)
        if self.counted and b"dj=1" not in query:
            self.counted_group = self.counted
            await listeners.joined(self.counted_group)

    async def _join_and_load(self, code):
        """Join the page's groups, then read their versions, then take that state.

        Returns (versions, html), None (not found), or "moved" (the code now means other
        groups: joined nothing, try again).
        """
        states = live_state.first_states()
        key = (type(self).__name__, code)
        if self.shared_state:
            found = await states.find(key, lambda: self.find(code))
        else:
            found = await in_worker_thread(self.find)(code)
        if found is None:
            return None
        self.groups, self.counted = found
        # What the relay brings from now on waits here, then follows the state.
        self.held = []
        for group in self.groups:
            await relay().join(group, self)
        versions = relay().versions_for(self.groups)
        if versions is None:
            versions = await asyncio.to_thread(live_state.current_versions, self.groups)
        if self.shared_state:
            rendered = await states.get(key, live_state.versions_key(versions), lambda: self.render(code))
        else:
            rendered = await in_worker_thread(self.render)(code)
        if rendered is None or rendered[0] != self.groups:
            for group in self.groups:
                relay().leave(group, self)
            self.held = None
            if rendered is None:
                return None
            states.forget(key)
            return "moved"
        return versions, rendered[1]

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
        # Skip Channels' close_old_connections() before each message: a hop to its one
        # shared thread per socket per message, for every connect (1000 phones arriving
        # queued on that thread) and every track (a third of the server's CPU when one
        # reached 1000 phones, docs/benchmarks.md). Nothing here keeps a connection: the
        # database work runs in worker threads that give theirs back (pika/db.py).
        if message["type"] == "live.html":
            await self.send(text_data=message["html"])
            return
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def live_html(self, message):
        await self.send(text_data=message["html"])
