from channels.auth import AuthMiddlewareStack
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
