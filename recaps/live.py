"""The lobby's live list, coalesced: however many tracks change, at most one render a
second for the whole site, the same bytes for every open lobby page.

A change to a public set (a track, a set starting or ending, a room's count) bumps the
lobby's version (pika/live_state.py: a page connecting later renders afresh) and pings
the `lobby` group with a tiny unrendered "changed". A process with lobby pages open hears
the ping once (pika/relay.py) and, a second later, renders the list and sends it to the
group like any live change, unless another process did so in that second: one cache key
decides. A render that was refused waits for the key to lapse and tries once more; by
then whoever holds the key rendered after the ping, so no change is ever left unshown.
"""

import asyncio
import functools
import logging
import weakref

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import caches
from django.template.loader import render_to_string

from pika import live_state
from pika.live import send
from recaps import lobby

log = logging.getLogger(__name__)

LOBBY_GROUP = "lobby"
COALESCE_SECONDS = 1  # whole seconds: Redis keys expire in seconds
_FLUSH_KEY = "lobby:flush"


@functools.cache
def _cache():
    # One client per process (pika/live_state.py says why).
    return caches.create_connection("default")


def lobby_changed():
    """A public set changed (called after the commit); never raises."""
    version = live_state.bump(LOBBY_GROUP)
    # Versioned like a change, so a process's relay knows its lobby state is older now and
    # a page connecting before the render is sent a fresh state.
    ping = {"type": "lobby.changed"} if version is None else {"type": "lobby.changed", "group": LOBBY_GROUP, "version": version}
    try:
        async_to_sync(get_channel_layer().group_send)(LOBBY_GROUP, ping)
    except Exception:
        # The lobby catches up with the next change, and a page that reconnects at once.
        log.warning("lobby: change not announced (channel layer unreachable)", exc_info=True)


def render_lobby():
    """The lobby's live pieces, as one message: the sets live now and the latest recaps."""
    return (render_to_string("recaps/lobby.html#live-sets", {"live_sets": lobby.live_now()})
            + render_to_string("recaps/lobby.html#recent-recaps", {"recaps": lobby.recent_recaps()}))


def flush():
    """Render and send the lobby unless another process did within COALESCE_SECONDS."""
    if not _cache().add(_FLUSH_KEY, 1, timeout=COALESCE_SECONDS):
        return False
    send(LOBBY_GROUP, render_lobby())
    return True


class _Pending:
    scheduled = False


_pending = weakref.WeakKeyDictionary()


def schedule_flush():
    """Heard a ping (on the event loop): flush in a second, once however many pings come."""
    loop = asyncio.get_running_loop()
    pending = _pending.setdefault(loop, _Pending())
    if pending.scheduled:
        return
    pending.scheduled = True
    loop.call_later(COALESCE_SECONDS, lambda: asyncio.ensure_future(_flush(pending)))


async def _flush(pending):
    pending.scheduled = False
    run = database_sync_to_async(flush, thread_sensitive=False)
    try:
        if not await run():
            await asyncio.sleep(COALESCE_SECONDS)
            await run()
    except Exception:
        log.exception("lobby: render failed")
