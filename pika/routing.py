from django.urls import path

from stages import consumers

websocket_urlpatterns = [
    path("ws/sessions/<str:code>/", consumers.SessionConsumer.as_asgi()),
    path("ws/stages/<str:code>/", consumers.StageConsumer.as_asgi()),
    path("ws/events/<slug:code>/", consumers.EventConsumer.as_asgi()),
]
