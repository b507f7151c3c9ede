"""The Redis cache: clearing it removes only its own keys, and with Redis gone it fails
open (a read finds nothing, a guard lets the request through) instead of raising."""

import os
import uuid

import pytest

from pika.cache import FailOpenRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_cache(prefix, location=REDIS_URL):
    return FailOpenRedisCache(location, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


@pytest.fixture
def two_deployments():
    run = uuid.uuid4().hex[:8]
    ours, theirs = redis_cache(f"ours-{run}"), redis_cache(f"theirs-{run}")
    yield ours, theirs
    theirs.clear()


def test_clear_removes_only_this_caches_keys(two_deployments):
    ours, theirs = two_deployments
    ours.set_many({f"listeners:{n}": n for n in range(1500)})
    theirs.set("listeners:1", 42)

    ours.clear()

    assert ours.get_many([f"listeners:{n}" for n in range(1500)]) == {}
    assert theirs.get("listeners:1") == 42


def test_with_redis_unreachable_reads_find_nothing_and_guards_let_requests_through(caplog):
    gone = redis_cache("gone", location="redis://127.0.0.1:9/0")  # the discard port: nothing listens

    assert gone.get("throttle", "default") == "default"
    assert gone.add("submit-token", 1) is True  # "first time": a double tap may count twice
    assert gone.incr("likes", 1) == 1
    assert gone.clear() is None
    assert "Cache get skipped: Redis is unreachable" in caplog.text


def test_every_cache_object_of_a_process_shares_one_connection_pool():
    """Django makes a cache object per request under ASGI: each must not open its own
    connections to Redis (a new connection per request was most of a vote tap's cost)."""
    run = uuid.uuid4().hex[:8]
    first, second = redis_cache(f"a-{run}"), redis_cache(f"b-{run}")
    first.set("k", 1)
    second.set("k", 2)

    pool = first._cache._get_connection_pool(write=True)
    assert second._cache._get_connection_pool(write=True) is pool
    assert redis_cache("other", location="redis://127.0.0.1:9/0")._cache._get_connection_pool(write=True) is not pool
    assert (first.get("k"), second.get("k")) == (1, 2)  # each still reads its own prefix
    first.clear()
    second.clear()
