from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.urls import path

from crate.consumers import set_likes_app
from crowd.consumers import crowd_panel_app
from dj.consumers import booth_app
from events.consumers import EventConsumer, OrganizerConsumer, ScreenConsumer, TimetableConsumer
from recaps.consumers import LobbyConsumer
from stages.consumers import SetConsumer, StageConsumer

websocket_urlpatterns = [
    path("ws/sessions/<str:code>/", SetConsumer.as_asgi()),
    path("ws/stages/<str:code>/", StageConsumer.as_asgi()),
    path("ws/events/<slug:code>/", EventConsumer.as_asgi()),
    path("ws/events/<slug:code>/timetable/", TimetableConsumer.as_asgi()),
    path("ws/screens/<str:code>/", ScreenConsumer.as_asgi()),
    path("ws/lobby/", LobbyConsumer.as_asgi()),
    path("ws/dj/sets/<str:code>/likes/", set_likes_app),
    path("ws/dj/sets/<str:code>/crowd/", crowd_panel_app),
    path("ws/dj/sets/<str:code>/booth/", booth_app),
    # Only this socket needs the signed-in user; dancers' sockets skip the set lookup.
    path("ws/organize/<slug:code>/", AuthMiddlewareStack(OrganizerConsumer.as_asgi())),
]


class SocketRouter:
    """Channels' `AllowedHostsOriginValidator(URLRouter(routes))`, in one coroutine.

    A socket's app runs for the socket's whole life, and so does every layer around it:
    the validator's and the router's suspended coroutines and the router's copy of the
    scope were 1.7 KB of every phone's socket (docs/benchmarks.md, "Fifth sitting"). This
    checks the origin with Channels' own validator and matches the same routes, then
    awaits the consumer itself, with the route written into the scope uvicorn made for
    this socket.
    """

    def __init__(self, routes):
        self.routes = URLRouter(routes).routes
        self.origins = AllowedHostsOriginValidator(None)

    async def __call__(self, scope, receive, send):
        found = self.resolve(scope) if self.origins.valid_origin(self.origin(scope)) else None
        if found is None:
            # Another site's page, or a path no page opens (a stale bookmark, a probe):
            # refused at the handshake, where URLRouter raised and logged a server error.
            return await WebsocketDenier()(scope, receive, send)
        app, scope["url_route"] = found
        return await app(scope, receive, send)

    @staticmethod
    def origin(scope):
        """The parsed Origin header (the last one, as Channels reads it), or None."""
        found = None
        for name, value in scope.get("headers", ()):
            if name == b"origin":
                found = urlparse(value.decode("latin1"))  # any bytes decode as Latin-1
        return found

    def resolve(self, scope):
        """(the route's app, its url_route) for the scope's path, as URLRouter matches it,
        or None."""
        path = scope["path"]
        root_path = scope.get("root_path", "")
        if root_path:
            if not path.startswith(root_path):
                return None
            path = path[len(root_path):]
        path = path.lstrip("/")
        for route in self.routes:
            match = route.pattern.match(path)
            if match:
                _, args, kwargs = match
                return route.callback, {"args": args, "kwargs": {**kwargs, **route.default_args}}
        return None
