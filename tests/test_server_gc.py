"""A server process freezes what its startup made out of the collector's passes and runs
them less often (pika/asgi.py): the passes had stopped the event loop for up to 230 ms."""

import json
import subprocess
import sys

from tests.live_server import ROOT


def test_importing_the_server_application_freezes_startup_objects_and_spaces_out_passes():
    probe = ("import gc, json, pika.asgi; "
             "print(json.dumps([gc.get_freeze_count(), gc.get_threshold(), gc.get_count()[2]]))")
    found = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    frozen, thresholds, oldest = json.loads(found.stdout.strip().splitlines()[-1])
    # Django, Channels, the apps and the URLconf: far more than a bare interpreter's few thousand.
    assert frozen > 100_000
    assert thresholds == [10_000, 50, 50]
    assert oldest == 0  # nothing left in the oldest generation to scan
