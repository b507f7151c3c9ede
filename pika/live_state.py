"""Versions of what live pages show, and each page's first state rendered once per version.

Every change a live page shows (a track, a set starting or ending, an announcement, a room
renamed, …) bumps its *scope's* version, one number shared by every server process through
the cache (Redis in production), and the broadcast that tells open pages carries it. A scope
is an event (its stage pages, event page and the sets played on its stages) or, for a Quick
Start set, the set itself.

A socket that connects joins its groups first, then reads the version, then takes the state
of that version from this process's cache, rendered by the first socket that needed it: a
thousand phones arriving at once cost one render, not a thousand. A change committed after
the version was read reaches the socket as a message (it joined before reading), and a
message whose change the state already holds (version ≤ the state's) is dropped, so nothing
is lost or applied twice.

Versions start at the clock (microseconds) the first time a scope is seen, then count up, so
a version never goes back even if the cache forgets the key (a Redis restart): a page that
remembers an old number is sent the whole state.
"""

import asyncio
import functools
import logging
import time
import weakref

from channels.db import database_sync_to_async
from django.core.cache import caches

log = logging.getLogger(__name__)

# The state also holds what time changes (which announcements are still recent): a cached
# state is rendered again after this long even if nothing was posted.
STATE_SECONDS = 60
MAX_ENTRIES = 2000


def event_scope(event_id):
    return f"event.{event_id}"


def set_scope(set_id):
    return f"set.{set_id}"


@functools.cache
def _cache():
    # One client for the whole process: `django.core.cache.cache` is context-local under
    # ASGI and would open a Redis connection per socket (stages/listeners.py says more).
    return caches.create_connection("default")


def _key(scope):
    return f"live-version:{scope}"


def _now_us():
    return int(time.time() * 1_000_000)


def bump(scope):
    """The next version of `scope`: call once per change, after it is committed.

    None if the cache is unreachable: the change is still sent, pages just cannot be told
    they are current, and connects render their state afresh.
    """
    key, cache = _key(scope), _cache()
    try:
        cache.add(key, _now_us(), timeout=None)
        try:
            return cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.add(key, _now_us(), timeout=None)
            return cache.incr(key)
    except Exception:
        log.warning("live versions: cannot bump %s", scope, exc_info=True)
        return None


def current(scope):
    """The version `scope` is at now (None if the cache is unreachable)."""
    key, cache = _key(scope), _cache()
    try:
        found = cache.get(key)
        if found is None:
            cache.add(key, _now_us(), timeout=None)
            found = cache.get(key)
        return found
    except Exception:
        log.warning("live versions: cannot read %s", scope, exc_info=True)
        return None


def parse_version(query_string):
    """The `v` a page asked with (`?v=V`), or None for none or garbage."""
    from urllib.parse import parse_qs

    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    values = parse_qs(query_string).get("v")
    if not values or not values[0].isdigit() or len(values[0]) > 20:
        return None
    return int(values[0])


def state_marker(version):
    """Starts a whole state; alone, it tells a page that it is current at `version`."""
    return f"<!--state:{version}-->" if version is not None else ""


def change_marker(version):
    return f"<!--v:{version}-->" if version is not None else ""


class FirstStates:
    """This process's rendered first states: key -> (version, rendered at, value)."""

    def __init__(self):
        self.entries = {}
        self.rendering = {}  # (key, version) -> future of the render in progress

    async def get(self, key, version, render):
        """The value of `render()` for this version of `key`, rendered once per version.

        `render` is a plain (synchronous, database) function; it runs in a worker thread.
        Without a version (the cache is down) every call renders.
        """
        run = database_sync_to_async(render, thread_sensitive=False)
        if version is None:
            return await run()
        entry = self.entries.get(key)
        if entry is not None and entry[0] == version and time.monotonic() - entry[1] < STATE_SECONDS:
            return entry[2]
        pending = self.rendering.get((key, version))
        if pending is not None:
            return await asyncio.shield(pending)
        pending = self.rendering[(key, version)] = asyncio.get_running_loop().create_future()
        try:
            value = await run()
        except asyncio.CancelledError:
            pending.cancel()
            raise
        except Exception as error:
            pending.set_exception(error)
            pending.exception()  # retrieved: the waiters (if any) see it too
            raise
        finally:
            del self.rendering[(key, version)]
        pending.set_result(value)
        current = self.entries.get(key)
        if current is None or current[0] <= version:
            self.entries.pop(key, None)
            self.entries[key] = (version, time.monotonic(), value)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)))
        return value

    def clear(self):
        self.entries.clear()


_states = weakref.WeakKeyDictionary()


def first_states():
    """This event loop's cache (a server runs one loop; tests run one per test)."""
    loop = asyncio.get_running_loop()
    found = _states.get(loop)
    if found is None:
        found = _states[loop] = FirstStates()
    return found
