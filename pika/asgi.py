import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after Django setup)
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from pika.body_limit import BodyLimit  # noqa: E402
from pika.request_threads import ReusedRequestThreads  # noqa: E402
from pika.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ReusedRequestThreads(BodyLimit(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
