"""Listener counts per group, shared by every server process through the cache.

With REDIS_URL the cache is Redis, so counts add up across processes (each writes its
own, see HEARTBEAT_SECONDS). Count updates
are coalesced: at most one broadcast per group per second per process, because a
burst of a thousand phones joining must not become a million messages.
"""

import asyncio
import functools
import logging
import time
import uuid

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import caches

from pika.cache import redis_of
from pika.db import in_worker_thread

log = logging.getLogger(__name__)

COALESCE_SECONDS = 1.0
_pending = set()
# What to send when a group's count changes, by the group's kind (the part before the
# dot): the app that renders those pages registers it in its AppConfig.ready().
_messages_for = {}


def on_change(kind, messages):
    """Register `messages(group) -> [(group, html), ...]` for groups of this kind."""
    _messages_for[kind] = messages


@functools.cache
def _cache():
    """One cache client for the whole process.

    `django.core.cache.cache` is context-local: under ASGI each socket's task (and each
    thread hop) built its own client, so every phone held its own Redis connection
    (measured: 1000 sockets, 1000 Redis clients). Counts need no per-request client.
    """
    cache = caches.create_connection("default")
    cache.strict = True  # counts must know when they are unknown (pika/cache.py)
    return cache


# Each process writes its own count per group under its own key, with an expiry it keeps
# renewing: a killed process's listeners vanish within HEARTBEAT_TTL, and a Redis restart
# (keys gone) can only under-count until the next heartbeat, never go negative.
HEARTBEAT_TTL = settings.PIKA_LISTENER_TTL_SECONDS
HEARTBEAT_SECONDS = HEARTBEAT_TTL / 3
_PROCESS = uuid.uuid4().hex[:12]
_PROCESSES_KEY = "listeners:processes"
_local = {}  # group -> sockets counted in this process
_heartbeat = None


def _key(group, process=_PROCESS):
    return f"listeners:{group}:{process}"


def _processes(cache):
    now = time.time()
    redis = redis_of(cache)
    if redis is not None:
        seen = redis.hgetall(cache.make_and_validate_key(_PROCESSES_KEY))
        return [process.decode() for process, at in seen.items() if float(at) > now - HEARTBEAT_TTL]
    return [process for process, seen in (cache.get(_PROCESSES_KEY) or {}).items() if seen > now - HEARTBEAT_TTL]


def _mark_alive(cache, process=_PROCESS):
    """Say this process is alive. On Redis each process has its own field of one hash: two
    processes registering at once both count (a shared dict read, changed and written back
    lost one of them until its next heartbeat, and its listeners with it)."""
    now = time.time()
    redis = redis_of(cache)
    if redis is None:
        known = {p: seen for p, seen in (cache.get(_PROCESSES_KEY) or {}).items() if seen > now - HEARTBEAT_TTL}
        known[process] = now
        cache.set(_PROCESSES_KEY, known, timeout=HEARTBEAT_TTL)
        return
    key = cache.make_and_validate_key(_PROCESSES_KEY)
    stale = [p for p, at in redis.hgetall(key).items() if float(at) <= now - HEARTBEAT_TTL]
    with redis.pipeline() as pipe:
        pipe.hset(key, process, now)
        if stale:
            pipe.hdel(key, *stale)
        pipe.expire(key, int(HEARTBEAT_TTL) + 1)
        pipe.execute()


def total(groups):
    """The listeners of several groups together, across processes; None when the counts
    cannot be read (Redis down): pages then say the count is unknown."""
    if not groups:
        return 0
    try:
        cache = _cache()
        keys = [_key(group, process) for process in _processes(cache) for group in groups]
        return sum(max(value, 0) for value in cache.get_many(keys).values()) if keys else 0
    except Exception:
        log.warning("Listener counts unavailable (cache unreachable)", exc_info=True)
        return None


def totals(pages):
    """total() for several pages at once (each a list of groups), in two cache round trips
    however many: [count or None, ...] in the same order (the lobby lists many sets)."""
    if not pages:
        return []
    try:
        cache = _cache()
        processes = _processes(cache)
        found = cache.get_many([_key(group, process) for process in processes for groups in pages for group in groups])
        return [sum(max(found.get(_key(group, process), 0), 0) for process in processes for group in groups)
                for groups in pages]
    except Exception:
        log.warning("Listener counts unavailable (cache unreachable)", exc_info=True)
        return [None] * len(pages)


def count(group):
    return total([group])


def _write(groups):
    cache = _cache()
    _mark_alive(cache)
    cache.set_many({_key(group): _local.get(group, 0) for group in groups}, timeout=HEARTBEAT_TTL)


def _change(group, delta):
    """Count in this process (on the event loop, so no two threads race), then store: the
    awaitable is done once a write holding this change is."""
    _local[group] = max(_local.get(group, 0) + delta, 0)
    if not _local[group]:
        del _local[group]
    return _writes.after_change(group)


class _Writes:
    """One write of the changed counts in flight per process; changes made meanwhile go
    together in the next. A thousand phones joining at once were a thousand writes (three
    Redis round trips each, in a thread each) on the connect path; now a handful."""

    def __init__(self):
        self.dirty = set()
        self.next = None  # future: the write that will carry the changes made now
        self.writer = None

    def after_change(self, group):
        loop = asyncio.get_running_loop()
        self.dirty.add(group)
        if self.next is None or self.next.get_loop() is not loop:
            self.next = loop.create_future()
        if self.writer is None or self.writer.done() or self.writer.get_loop() is not loop:
            self.writer = loop.create_task(self._write())
        return asyncio.shield(self.next)

    async def _write(self):
        while self.next is not None:
            done, self.next = self.next, None
            groups, self.dirty = list(self.dirty), set()
            try:
                await asyncio.to_thread(_store, groups)
            finally:
                if not done.done():
                    done.set_result(None)


_writes = _Writes()


def _store(groups):
    try:
        _write(groups)
    except Exception:
        # Redis is a helper: the socket stays, the heartbeat writes the count once it is back.
        log.warning("Listener count not written (cache unreachable)", exc_info=True)


async def _beat():
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        await asyncio.to_thread(_store, list(_local))


def _ensure_heartbeat():
    global _heartbeat
    loop = asyncio.get_running_loop()
    if _heartbeat is None or _heartbeat.done() or _heartbeat.get_loop() is not loop:
        _heartbeat = loop.create_task(_beat())


async def joined(group):
    _ensure_heartbeat()
    await _change(group, 1)
    _schedule(group)


async def left(group):
    await _change(group, -1)
    _schedule(group)


def _schedule(group):
    if group in _pending:
        return
    _pending.add(group)
    asyncio.get_running_loop().call_later(
        COALESCE_SECONDS, lambda: asyncio.ensure_future(_announce(group))
    )


async def _announce(group):
    _pending.discard(group)
    messages = _messages_for.get(group.partition(".")[0])
    if messages is None:
        return  # counted only (the event page): nobody shows this number live
    layer = get_channel_layer()
    try:
        for target, html in await in_worker_thread(messages)(group):
            await layer.group_send(target, {"type": "live.html", "html": html})
    except Exception:
        log.warning("Listener count for %s not announced", group, exc_info=True)


def record(group, value, process):
    """Store `value` listeners of `group` for a (named) process, as its heartbeat would:
    how tests and tools put a known count in place."""
    cache = _cache()
    _mark_alive(cache, process)
    cache.set(_key(group, process), value, timeout=HEARTBEAT_TTL)
