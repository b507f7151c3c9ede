"""What a server process loads (pika/asgi.py): not Django's test framework, which
django-ninja's one import of `django.test.signals` used to bring (2.4 MiB of every process),
nor psutil, which django-q2's settings brought for its cluster (1.7 MiB)."""

import json
import subprocess
import sys

from tests.live_server import ROOT

PROBE = """
import json, sys
import pika.asgi
import django.core.signals, ninja.conf
signals = sys.modules["django.test.signals"]
print(json.dumps({
    "test framework": sorted(name for name in ("django.test", "django.test.client", "unittest", "unittest.mock")
                             if name in sys.modules),
    "ninja hears setting changes": ninja.conf.setting_changed is django.core.signals.setting_changed,
    "the real signals module": [signals.__file__.endswith("django/test/signals.py"),
                                type(signals.template_rendered).__name__],
    "psutil loaded": "psutil" in sys.modules,
    "task settings without psutil": sys.modules["django_q.conf"].psutil is None,
    "psutil importable later": __import__("psutil").__name__,
}))
"""


def test_a_server_process_loads_neither_the_test_framework_nor_psutil():
    found = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                           timeout=60, env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "pika.settings"})
    assert json.loads(found.stdout.strip().splitlines()[-1]) == {
        "test framework": [],
        "ninja hears setting changes": True,
        "the real signals module": [True, "Signal"],
        "psutil loaded": False,
        "task settings without psutil": True,
        "psutil importable later": "psutil",
    }
