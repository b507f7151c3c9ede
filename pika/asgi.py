import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from pika.request_threads import ReusedRequestThreads, SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (after Django setup)
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from pika.body_limit import BodyLimit  # noqa: E402
from pika.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ReusedRequestThreads(BodyLimit(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
