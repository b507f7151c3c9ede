"""The channel layer of a Redis deployment: channels_redis's pub/sub layer, imported
without cryptography.

channels_redis imports cryptography's Fernet when it loads, for message encryption
(`symmetric_encryption_keys`) that Pika! does not use, and cryptography's Rust library
then sits in every server process: 8.5 of an idle process's 103 MiB (docs/benchmarks.md,
"Fourth sitting"). With Fernet unavailable while channels_redis loads, it takes the path it
has for a machine without cryptography. Our own encryption (crate/models.py) imports
cryptography when it needs it, as before. A server loads this before its threads start
(pika/asgi.py).
"""

import sys

FERNET = "cryptography.fernet"


def _import_without_fernet():
    if FERNET in sys.modules:  # already loaded by someone else: nothing left to save
        from channels_redis.pubsub import RedisPubSubChannelLayer
        return RedisPubSubChannelLayer
    sys.modules[FERNET] = None  # `from cryptography.fernet import …` raises ImportError
    try:
        from channels_redis.pubsub import RedisPubSubChannelLayer
    finally:
        del sys.modules[FERNET]
    return RedisPubSubChannelLayer


RedisPubSubChannelLayer = _import_without_fernet()
