"""The booth's own socket: the likes on the play that is on now, for the set's DJ only."""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async

from crate.consumers import SetLikesConsumer
from dj import booth
from stages.access import set_for_dj


class BoothConsumer(SetLikesConsumer):
    """The DJ's likes socket (same access, same coalescing: one render a second at most),
    rendering the booth's "N people liked <track>" instead of the dashboard's list."""

    def load(self, user, code):
        if user is None:
            return None
        self.dj_set = set_for_dj(user, code)
        return booth.render_likes(self.dj_set) if self.dj_set else None

    async def push(self):
        self.timer = None
        await self.send(text_data=await database_sync_to_async(booth.render_likes)(self.dj_set))


booth_app = AuthMiddlewareStack(BoothConsumer.as_asgi())
