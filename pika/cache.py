"""The Redis cache, failing open: Redis is a helper, never a single point of failure.

Everything we keep in the cache is an optimisation or a guard that may lapse for a
while: rate limits, double-submit tokens, throttles. With Redis down, a read finds
nothing, a write is skipped, `add` says "first time" (a double tap may then count twice;
a lost track would be worse) — each logged, none raised into a request.

Code that must know the difference (listener counts show "unknown") sets `strict`.
"""

import logging

from django.core.cache.backends.redis import RedisCache
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


class PrefixedRedisCache(RedisCache):
    """`clear()` deletes this cache's own keys (its KEY_PREFIX), not the whole Redis database:
    a Redis shared with the channel layer, the task broker or another deployment keeps theirs."""

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
