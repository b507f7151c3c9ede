"""A Redis deployment's channel layer loads without cryptography (pika/channel_layer.py):
its Rust library was 8.5 MiB of every server process, for encryption we don't use."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.live_server import ROOT

PROBE = """
import asyncio, json, sys
import pika.asgi
from channels.layers import get_channel_layer

layer = get_channel_layer()


async def round_trip():
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "probe.message", "text": "ü"})
    received = await asyncio.wait_for(layer.receive(channel), 10)
    await layer.flush()
    return received


received = asyncio.run(round_trip())
loaded = sorted(name for name in sys.modules if name.startswith("cryptography.hazmat"))
from cryptography.fernet import Fernet  # what crate/models.py does when it encrypts
token = Fernet(Fernet.generate_key())
print(json.dumps([type(layer).__module__, loaded, received, token.decrypt(token.encrypt(b"x")).decode()]))
"""


def test_the_server_holds_the_redis_channel_layer_without_cryptography_and_encryption_still_loads():
    # The real Redis (REDIS_URL, else the local default), as the two-process tests use it.
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
           "PIKA_CHANNEL_PREFIX": os.environ.get("PIKA_CHANNEL_PREFIX", "pika-test") + "-layer-probe"}
    found = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True, env=env,
                           timeout=60)
    module, loaded, received, decrypted = json.loads(found.stdout.strip().splitlines()[-1])
    assert module == "channels_redis.pubsub"
    assert loaded == []
    assert received == {"type": "probe.message", "text": "ü"}
    assert decrypted == "x"

