"""The DJ's live like counts: one socket per DJ dashboard, coalesced updates."""

import asyncio

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from crate import live
from pika.consumers import NOT_FOUND
from stages.access import set_for_dj

# At most one re-render a second however fast the hearts come in.
COALESCE_SECONDS = 1.0


class SetLikesConsumer(AsyncWebsocketConsumer):
    """Only the set's own DJ may listen: counts are feedback for them, not for the room."""

    dj_set = None
    timer = None

    async def connect(self):
        state = await database_sync_to_async(self.load)(self.scope.get("user"), self.scope["url_route"]["kwargs"]["code"])
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        self.groups = [live.likes_group(self.dj_set.pk)]
        await self.channel_layer.group_add(self.groups[0], self.channel_name)
        await self.accept()
        await self.send(text_data=state)

    def load(self, user, code):
        if user is None:
            return None
        self.dj_set = set_for_dj(user, code)
        return live.render_like_counts(self.dj_set) if self.dj_set else None

    async def disconnect(self, close_code):
        if self.timer:
            self.timer.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        """The dashboard only listens."""

    async def likes_changed(self, message):
        if self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(
                COALESCE_SECONDS, lambda: asyncio.ensure_future(self.push())
            )

    async def push(self):
        self.timer = None
        html = await database_sync_to_async(live.render_like_counts)(self.dj_set)
        await self.send(text_data=html)


# Wrapped here so only this socket pays for the set and user lookup.
set_likes_app = AuthMiddlewareStack(SetLikesConsumer.as_asgi())
