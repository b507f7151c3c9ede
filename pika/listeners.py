"""Listener counts per group, shared by every server process through the cache.

With REDIS_URL the cache is Redis, so counts add up across processes. Count updates
are coalesced: at most one broadcast per group per second per process, because a
burst of a thousand phones joining must not become a million messages.
"""

import asyncio
import functools

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import caches

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
    return caches.create_connection("default")


def _key(group):
    return f"listeners:{group}"


def count(group):
    return max(_cache().get(_key(group), 0), 0)


def total(groups):
    """The listeners of several groups together, in one cache round trip."""
    found = _cache().get_many([_key(group) for group in groups]) if groups else {}
    return sum(max(value, 0) for value in found.values())


def _change(group, delta):
    key, cache = _key(group), _cache()
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key, delta)
    except ValueError:
        # Evicted between add and incr: start again from this change.
        cache.set(key, max(delta, 0), timeout=None)
        return max(delta, 0)


async def joined(group):
    await asyncio.to_thread(_change, group, 1)
    _schedule(group)


async def left(group):
    await asyncio.to_thread(_change, group, -1)
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
    for target, html in await database_sync_to_async(messages)(group):
        await layer.group_send(target, {"type": "live.html", "html": html})
