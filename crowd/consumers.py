"""The DJ's crowd panel: one socket per DJ page, coalesced updates (like likes)."""

import asyncio

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from crowd import live
from crowd.models import ThankYou
from pika.consumers import NOT_FOUND
from pika.live import set_group
from stages.access import set_for_dj

# At most one re-render a second however fast the floor taps.
COALESCE_SECONDS = 1.0


class CrowdPanelConsumer(AsyncWebsocketConsumer):
    """Only the set's own DJ may listen: the crowd's numbers are feedback for them."""

    dj_set = None
    timer = None
    thanks_seen = 0
    shown = None  # kind -> the HTML of that piece this panel shows

    async def connect(self):
        state = await database_sync_to_async(self.load)(self.scope.get("user"), self.scope["url_route"]["kwargs"]["code"])
        if state is None:
            await self.close(code=NOT_FOUND)
            return
        self.changed = set()
        # The set's own group too: a new track resets the tempo and thank-you numbers.
        self.groups = [live.crowd_group(self.dj_set.pk), set_group(self.dj_set.pk)]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send(text_data=state)

    def load(self, user, code):
        if user is None:
            return None
        self.dj_set = set_for_dj(user, code)
        if self.dj_set is None:
            return None
        self.thanks_seen = ThankYou.objects.filter(track__dj_set=self.dj_set).count()
        self.shown = live.render_dj_panel_pieces(self.dj_set)
        return "".join(self.shown.values())

    async def disconnect(self, close_code):
        if self.timer:
            self.timer.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        """The panel only listens: its controls post forms."""

    async def crowd_changed(self, message):
        self.changed.add(message.get("kind", "poll"))
        self.schedule()

    async def live_html(self, message):
        """Something the set's pages show changed (a track, the set's end)."""
        self.changed.update(("tempo", "thanks"))
        self.schedule()

    def schedule(self):
        if self.timer is None:
            self.timer = asyncio.get_running_loop().call_later(
                COALESCE_SECONDS, lambda: asyncio.ensure_future(self.push())
            )

    async def push(self):
        self.timer = None
        kinds, self.changed = self.changed, set()
        html = await database_sync_to_async(self.render)(kinds)
        if html:
            await self.send(text_data=html)

    def render(self, kinds):
        """The pieces of `kinds` that differ from what this panel shows ("" if none do)."""
        self.dj_set.refresh_from_db(fields=["ended_at"])
        burst = 0
        if "thanks" in kinds:
            # The thank-yous that arrived since the last push: many at once make a burst.
            total = ThankYou.objects.filter(track__dj_set=self.dj_set).count()
            burst, self.thanks_seen = max(0, total - self.thanks_seen), total
        pieces = live.render_dj_panel_pieces(self.dj_set, [k for k in ("tempo", "thanks", "poll") if k in kinds], burst)
        changed = {kind: html for kind, html in pieces.items() if self.shown.get(kind) != html}
        self.shown.update(changed)
        return "".join(changed.values())


# Wrapped here so only this socket pays for the set and user lookup.
crowd_panel_app = AuthMiddlewareStack(CrowdPanelConsumer.as_asgi())
