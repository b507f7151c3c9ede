"""WebSocket consumers: join the right groups, send the current state, then relay."""

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from announcements.live import event_page_group, render_banners
from stages import listeners, live
from stages.relay import relay

NOT_FOUND = 4404


class LiveConsumer(AsyncWebsocketConsumer):
    """Base for the live pages. Subclasses say which groups and what state to send."""

    counted_group = None
    held = None
    # No channel of its own per socket: the process's relay receives each group message
    # once and hands it to every local socket (stages/relay.py says why).
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


class SetConsumer(LiveConsumer):
    def load(self, code):
        from stages.models import DJSet

        dj_set = DJSet.objects.select_related("stage__event").filter(code=code).first()
        if dj_set is None:
            return None
        self.groups = [live.set_group(dj_set.pk)]
        self.counted_group = self.groups[0]
        return live.render_live(dj_set) + render_banners(dj_set=dj_set)


class StageConsumer(LiveConsumer):
    def load(self, code):
        from stages.models import Stage

        stage = Stage.objects.select_related("event").filter(code=code).first()
        if stage is None or not stage.event.is_visible_publicly():
            return None
        self.groups = [live.stage_group(stage.pk), live.event_group(stage.event_id)]
        self.counted_group = self.groups[0]
        cards = "".join(live.render_stage_card(other) for other in stage.event.stages.select_related("event"))
        return live.render_live(stage.current_set(), stage) + cards + render_banners(event=stage.event)


class EventConsumer(LiveConsumer):
    def load(self, slug):
        from events.models import Event

        event = Event.objects.filter(slug=slug).first()
        if event is None or not event.is_visible_publicly():
            return None
        self.groups = [live.event_group(event.pk)]
        self.counted_group = event_page_group(event.pk)
        cards = "".join(live.render_stage_card(stage) for stage in event.stages.select_related("event"))
        return cards + render_banners(event=event, as_list=True)
