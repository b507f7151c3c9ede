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
