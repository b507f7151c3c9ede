"""The Redis cache, failing open: Redis is a helper, never a single point of failure.

Everything we keep in the cache is an optimisation or a guard that may lapse for a
while: rate limits, double-submit tokens, throttles. With Redis down, a read finds
nothing, a write is skipped, `add` says "first time" (a double tap may then count twice;
a lost track would be worse) — each logged, none raised into a request.

Code that must know the difference (listener counts show "unknown") sets `strict`.
"""

import logging
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _fail_open(name, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailOpenRedisCache, self), name)(*args, **kwargs)
        except (RedisError, OSError):
            if self.strict:
                raise
            log.warning("Cache %s skipped: Redis is unreachable", name, exc_info=True)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def redis_of(cache):
    """The redis.Redis behind a Redis cache (for what Django's cache API cannot say in one
    round trip), or None for any other cache (the local-memory one: one process)."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


class _SharedRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per pool: building one per call (its table
    of response callbacks) cost a tenth of a vote tap. redis.Redis is thread-safe."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = getattr(pool, "_pika_client", None)
        if client is None:
            client = pool._pika_client = self._client(connection_pool=pool)
        return client


# One client (and so one connection pool) per server list and options, per process.
_clients = {}
_clients_lock = threading.Lock()


class PrefixedRedisCache(RedisCache):
    """`clear()` deletes this cache's own keys (its KEY_PREFIX), not the whole Redis database:
    a Redis shared with the channel layer, the task broker or another deployment keeps theirs.

    Its connections are shared by the whole process. Django makes a cache object per
    request under ASGI (each request is its own context), and Django's Redis client keeps
    its pool on that object: every request opened a new connection to Redis (connect,
    handshake), which was most of a cheap request's time (docs/benchmarks.md, "The floor votes")."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedRedisCacheClient

    @cached_property
    def _cache(self):
        key = (self._class, tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            if key not in _clients:
                _clients[key] = self._class(self._servers, **self._options)
            return _clients[key]

    def clear(self):
        client = self._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start:start + 1000])
        return True


class FailOpenRedisCache(PrefixedRedisCache):
    strict = False

    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", lambda keys, version=None: {})
    set = _fail_open("set", lambda *args, **kwargs: None)
    set_many = _fail_open("set_many", lambda data, *args, **kwargs: list(data))
    add = _fail_open("add", lambda *args, **kwargs: True)
    delete = _fail_open("delete", lambda *args, **kwargs: False)
    delete_many = _fail_open("delete_many", lambda *args, **kwargs: None)
    touch = _fail_open("touch", lambda *args, **kwargs: False)
    has_key = _fail_open("has_key", lambda *args, **kwargs: False)
    incr = _fail_open("incr", lambda key, delta=1, version=None: delta)
    clear = _fail_open("clear", lambda *args, **kwargs: None)
