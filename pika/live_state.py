"""Versions of what live pages show, and each page's first state rendered once per version.

Every message sent to a live group (a track, a set starting or ending, an announcement, a
room renamed, the stage handed to the next DJ, …) bumps that group's version, one number
shared by every server process through the cache (Redis in production), and carries it:
`<!--v:group=N-->` before the fragment. A page's state is the versions of its groups.

A socket that connects joins its groups first, then reads their versions, then takes the
state of those versions from this process's cache, rendered by the first socket that needed
it: a thousand phones arriving at once cost one render, not a thousand. A change committed
after the versions were read reaches the socket as a message (it joined before reading),
and a message whose change the state already holds (version ≤ the state's) is dropped, so
nothing is lost or applied twice. The state goes out as `<!--state:g=N,g=N-->` + HTML; a
page that asks with exactly those versions (`?v=g=N,g=N`) is sent the marker alone.

A full page (a GET of a live page, or its HTMX poll) reads its versions before rendering
too, and takes what every visitor sees of them from this process's `PageStates`, rendered
once per version by the first request that needed it: the same argument, with the page's
`?v=` for the socket to ask with.

Versions start at the clock (microseconds) the first time a group is seen, then count up,
so a version never goes back even if the cache forgets the key (a Redis restart): a page
that remembers an old number is sent the whole state.
"""

import asyncio
import functools
import logging
import threading
import time
import weakref

from django.core.cache import caches

from pika.cache import redis_of
from pika.db import in_worker_thread

log = logging.getLogger(__name__)

# The state also holds what time changes (which announcements are still recent): a cached
# state is rendered again after this long even if nothing was posted.
STATE_SECONDS = 60
MAX_ENTRIES = 2000


@functools.cache
def _cache():
    # One client for the whole process: `django.core.cache.cache` is context-local under
    # ASGI and would open a Redis connection per socket (pika/listeners.py says more).
    return caches.create_connection("default")


def _key(group):
    return f"live-version:{group}"


def _now_us():
    return int(time.time() * 1_000_000)


def bump(group):
    """The next version of `group`: once per message, after the change is committed.

    None if the cache is unreachable: the change is still sent; pages cannot be told they
    are current meanwhile, and connects render their state afresh.
    """
    return bump_many([group])[0]


def bump_many(groups):
    """bump() for several groups, [version or None, ...] in their order: on Redis one round
    trip for all (a track bumped five groups at three round trips each, on the path of
    the next POST: docs/benchmarks.md, "Track POST")."""
    cache = _cache()
    try:
        redis = redis_of(cache)
        if redis is None:  # the local-memory cache: one process, no round trips
            return [_bump_in(cache, group) for group in groups]
        # SET NX then INCR in one transaction: the key starts at the clock and nothing
        # (an eviction) can come between. Django stores ints raw, so INCR reads its values.
        with redis.pipeline() as pipe:
            for group in groups:
                key = cache.make_and_validate_key(_key(group))
                pipe.set(key, _now_us(), nx=True)
                pipe.incr(key)
            replies = pipe.execute()
        return [int(version) for version in replies[1::2]]
    except Exception:
        log.warning("live versions: cannot bump %s", groups, exc_info=True)
        return [None] * len(groups)


def _bump_in(cache, group):
    key = _key(group)
    cache.add(key, _now_us(), timeout=None)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, _now_us(), timeout=None)
        return cache.incr(key)


def current_versions(groups):
    """{group: version} now, in one cache round trip (None if the cache is unreachable)."""
    cache = _cache()
    keys = {_key(group): group for group in groups}
    try:
        found = cache.get_many(list(keys))
        for key in set(keys) - set(found):
            cache.add(key, _now_us(), timeout=None)
            found[key] = cache.get(key)
        return {keys[key]: int(value) for key, value in found.items()}
    except Exception:
        log.warning("live versions: cannot read %s", groups, exc_info=True)
        return None


def message(group, version, html):
    """The channel-layer message for one change to `group` (pika/live.py sends it)."""
    found = {"type": "live.html", "html": change_marker(group, version) + html}
    if version is not None:
        found.update(group=group, version=version)
    return found


def already_in(message, versions):
    """Whether a state of `versions` already holds this message's change."""
    group, version = message.get("group"), message.get("version")
    return versions is not None and version is not None and group in versions and version <= versions[group]


def versions_key(versions):
    return None if versions is None else tuple(sorted(versions.items()))


def format_versions(versions):
    return ",".join(f"{group}={version}" for group, version in sorted(versions.items()))


def parse_versions(query_string):
    """The versions a page asked with (`?v=g=N,g=N`), or None for none or garbage."""
    from urllib.parse import parse_qs

    if isinstance(query_string, bytes):
        query_string = query_string.decode("latin-1")
    values = parse_qs(query_string[:2000]).get("v")
    if not values:
        return None
    versions = {}
    for part in values[0].split(","):
        group, _, number = part.partition("=")
        if not group or not number.isdigit() or len(number) > 20:
            return None
        versions[group] = int(number)
    return versions


def state_marker(versions):
    """Starts a whole state; alone, it tells a page that it is current at `versions`."""
    return f"<!--state:{format_versions(versions)}-->" if versions else ""


def change_marker(group, version):
    return f"<!--v:{group}={version}-->" if version is not None else ""


async def _once(in_progress, key, run):
    """(what `run()` gave, whether this caller ran it): callers arriving while it runs wait
    for the same answer instead of running it again. `in_progress` maps keys to futures."""
    pending = in_progress.get(key)
    if pending is not None:
        return await asyncio.shield(pending), False
    pending = in_progress[key] = asyncio.get_running_loop().create_future()
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
        del in_progress[key]
    pending.set_result(value)
    return value, True


class FirstStates:
    """This process's rendered first states: key -> (version, rendered at, value)."""

    def __init__(self):
        self.entries = {}
        self.rendering = {}  # (key, version) -> future of the render in progress
        self.found = {}  # key -> what `find` said: the page's groups
        self.finding = {}  # key -> future of the `find` in progress

    async def find(self, key, find):
        """`find()` (a plain database function), remembered: a code keeps meaning the same
        groups. (A slug can be reused by a new event: `forget` then drops the old answer.)
        Asked once however many sockets of the page arrive together."""
        if key in self.found:
            return self.found[key]
        found, led = await _once(self.finding, key, in_worker_thread(find))
        if led and found is not None:
            self.found[key] = found
            while len(self.found) > MAX_ENTRIES * 5:
                self.found.pop(next(iter(self.found)))
        return found

    def forget(self, key):
        self.found.pop(key, None)
        self.entries.pop(key, None)

    async def get(self, key, version, render):
        """The value of `render()` for this version of `key`, rendered once per version.

        `render` is a plain (synchronous, database) function; it runs in a worker thread.
        Without a version (the cache is down) every call renders.
        """
        run = in_worker_thread(render)
        if version is None:
            return await run()
        entry = self.entries.get(key)
        if entry is not None and entry[0] == version and time.monotonic() - entry[1] < STATE_SECONDS:
            return entry[2]
        value, led = await _once(self.rendering, (key, version), run)
        if not led:
            return value
        current = self.entries.get(key)
        if current is None or current[0] <= version:
            self.entries.pop(key, None)
            self.entries[key] = (version, time.monotonic(), value)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)))
        return value

    def clear(self):
        self.entries.clear()
        self.found.clear()


class PageStates:
    """This process's states of full pages: key -> (version, fresh until, value). Views run
    in threads: a lock keeps the writes whole (callers arriving together may each render,
    once; the sockets' `FirstStates` is for the thousand arriving at once)."""

    def __init__(self):
        self.entries = {}
        self.lock = threading.Lock()

    def get(self, key, versions, render):
        """The value `render()` gives for these versions of `key`, rendered once per
        version. `render` returns (value, how many seconds it stays true). Without
        versions (the cache is down) every call renders."""
        if versions is None:
            return render()[0]
        version = versions_key(versions)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == version and time.monotonic() < entry[1]:
            return entry[2]
        value, seconds = render()
        with self.lock:
            now = time.monotonic()
            current = self.entries.get(key)
            if current is None or current[0] <= version:
                self.entries.pop(key, None)
                self.entries[key] = (version, now + min(seconds, STATE_SECONDS), value)
            # Oldest first: those past their time go (a page nobody opens again holds no
            # memory for long), and the oldest beyond the bound.
            while self.entries:
                oldest = next(iter(self.entries))
                if len(self.entries) <= MAX_ENTRIES and self.entries[oldest][1] > now:
                    break
                self.entries.pop(oldest)
        return value

    def clear(self):
        with self.lock:
            self.entries.clear()


_page_states = PageStates()


def page_states():
    """This process's one cache of page states (views run in threads, not on a loop)."""
    return _page_states


_states = weakref.WeakKeyDictionary()


def first_states():
    """This event loop's cache (a server runs one loop; tests run one per test)."""
    loop = asyncio.get_running_loop()
    found = _states.get(loop)
    if found is None:
        found = _states[loop] = FirstStates()
    return found
