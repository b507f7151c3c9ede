import gc
import importlib.util
import os
import sys

import django


def load_test_signals_alone():
    """django-ninja imports `django.test.signals` for the `setting_changed` signal (which
    Django keeps in django.core.signals); the package's __init__ then loads Django's whole
    test framework (unittest, mock, the test client and server: 117 modules, 2.4 MiB of
    every server process, docs/benchmarks.md "Fifth sitting"). The server loads that one
    module's file by itself; where the test framework is already loaded, nothing changes."""
    name = "django.test.signals"
    if name in sys.modules or "django.test" in sys.modules:
        return
    path = os.path.join(os.path.dirname(django.__file__), "test", "signals.py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)


def load_task_settings_without_psutil():
    """django-q2's settings module (imported by its app, so by every process) imports psutil,
    which the DJ agent's rekordbox reader brings into the shared environment, for what only
    its cluster does: naming worker processes and pinning them to CPUs. A web process never
    runs the cluster, and psutil sat in it for nothing (0.6 MiB, docs/benchmarks.md "Sixth
    sitting"): the module loads here with psutil unavailable, the path django-q2 has for a
    machine without it. Anything importing psutil later gets it as usual."""
    if "django_q.conf" in sys.modules or "psutil" in sys.modules:
        return  # loaded already (a test process): nothing left to save
    sys.modules["psutil"] = None  # `import psutil` raises ImportError
    try:
        importlib.import_module("django_q.conf")
    finally:
        del sys.modules["psutil"]


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
load_test_signals_alone()
load_task_settings_without_psutil()
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from pika.request_threads import ReusedRequestThreads, SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.layers import get_channel_layer  # noqa: E402  (after Django setup)
from channels.routing import ProtocolTypeRouter  # noqa: E402

from pika.body_limit import BodyLimit  # noqa: E402
from pika.routing import SocketRouter, websocket_urlpatterns  # noqa: E402

# The channel layer's backend is loaded now, while one thread runs: pika/channel_layer.py
# hides cryptography's Fernet for the moment channels_redis loads, and a request thread
# importing it at that moment (crate/models.py) would be refused.
get_channel_layer()

application = ProtocolTypeRouter(
    {
        "http": ReusedRequestThreads(BodyLimit(django_asgi_app)),
        "websocket": SocketRouter(websocket_urlpatterns),
    }
)

# The garbage collector's full passes scanned every object the imports made (a few hundred
# thousand) plus every open socket's, and stopped the event loop for 80–230 ms while phones
# connected or a track went out: the long tail of a connect storm and of fan-out at 2000
# (docs/benchmarks.md, "Third sitting"). What exists after startup lives as long as the
# process, so it is frozen out of every pass; and passes come less often (our objects are
# freed by reference counting; only rare cycles wait for a pass).
GC_THRESHOLDS = (10_000, 50, 50)
gc.collect()
gc.freeze()
gc.set_threshold(*GC_THRESHOLDS)
