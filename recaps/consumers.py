"""The lobby's socket (/ws/lobby/): its first state from the per-process cache, then the
coalesced renders recaps/live.py sends."""

from pika.consumers import LiveConsumer
from recaps import live

GROUPS = [live.LOBBY_GROUP]


class LobbyConsumer(LiveConsumer):
    async def connect(self):
        # One lobby: the route has no code, the state cache wants one.
        self.scope["url_route"]["kwargs"].setdefault("code", "lobby")
        await super().connect()

    def find(self, code):
        return GROUPS, None

    def render(self, code):
        return GROUPS, live.render_lobby()

    async def dispatch(self, message):
        # A ping is for this process, not for the page: no render per socket, no thread hop.
        if message["type"] == "lobby.changed":
            live.schedule_flush()
            return
        await super().dispatch(message)
