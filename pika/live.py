"""The live plumbing every app shares: group names, sending a fragment, first-state hooks.

Group names are the address book of live pages, so every app can reach a page without
importing the app that renders it:

    session.<id>    a set's page (and the DJ's dashboard while the set is live)
    stage.<id>      a stage's page
    event.<id>      every stage card of an event: its event page and its stage pages
    organize.<id>   the organizer's live dashboard of an event
    eventpage.<id>  counts open event pages; nobody listens on it
    timetable.<id>  an event's timetable page: now/next and "version N is out"
    screen.<id>     a stage's venue screen (/screen/<code>): now and up next
"""

import asyncio
import collections
import contextlib
import contextvars
import logging
import threading
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import Signal

from pika import live_state

log = logging.getLogger(__name__)


def set_group(dj_set_id):
    return f"session.{dj_set_id}"


def stage_group(stage_id):
    return f"stage.{stage_id}"


def event_group(event_id):
    return f"event.{event_id}"


def organizer_group(event_id):
    return f"organize.{event_id}"


def event_page_group(event_id):
    return f"eventpage.{event_id}"


def timetable_group(event_id):
    return f"timetable.{event_id}"


def screen_group(stage_id):
    return f"screen.{stage_id}"


def set_page_groups(dj_set_id):
    return [set_group(dj_set_id)]


def stage_page_groups(stage_id, event_id):
    return [stage_group(stage_id), event_group(event_id)]


def event_page_groups(event_id):
    return [event_group(event_id)]


def page_versions(groups):
    """What a page rendered now shows, for its socket to ask with (`?v=`): read before
    rendering, so the page holds at least those versions (pika/live_state.py)."""
    versions = live_state.current_versions(groups)
    return live_state.format_versions(versions) if versions else ""


def live_page(key, groups, render):
    """(versions, state) of a live page: its groups' versions, for its socket to ask with
    (`?v=`), and what `render()` gives at them, rendered once per version in this process
    for every request (pika/live_state.py: `render` returns (state, seconds it stays true))."""
    versions = live_state.current_versions(groups)
    state = live_state.page_states().get(key, versions, render)
    return (live_state.format_versions(versions) if versions else ""), state


# Fragments the channel layer refused (Redis down), in order, for the retrier to send when
# it is back: a track saved during an outage still reaches the phones. Bounded: after a
# long outage the oldest go (a phone that reconnects gets the whole state anyway).
BACKLOG_LIMIT = 1000
RETRY_SECONDS = 1.0
_backlog = collections.deque(maxlen=BACKLOG_LIMIT)
_lock = threading.Lock()
_retrier = None


def send(group, html):
    """Hand one rendered change to every open page in `group`, stamped with the group's
    next version (pika/live_state.py); never raises (Redis is a helper)."""
    _change([group], lambda version: [(group, live_state.message(group, version, html))])


def send_pair(group, html, wider_group, wider_html):
    """One change for two groups where the first one's pages are also in the second (a
    stage's pages are in its event's group): they get `html` alone, which holds
    `wider_html` and both groups' new versions, and the second group's copy skips them."""
    _change([group, wider_group], lambda version, wider_version: [
        (group, live_state.message(group, version, live_state.change_marker(wider_group, wider_version) + html)),
        (wider_group, dict(live_state.message(wider_group, wider_version, wider_html), skip=group)),
    ])


_together = contextvars.ContextVar("pika_live_together", default=None)


@contextlib.contextmanager
def together():
    """The sends made inside go out at its end, in the order they were made: all their
    versions in one cache round trip, all their messages in one hop onto the event loop
    (a track's broadcast made a round trip and a hop per group, on the CPU the next POST
    is waiting for). Sends made before an error still go out."""
    if _together.get() is not None:  # inside another: that one's end sends these
        yield
        return
    changes = []
    token = _together.set(changes)
    try:
        yield
    finally:
        _together.reset(token)
        _flush(changes)


def _change(groups, messages):
    """A change to `groups`: `messages(*their new versions)` is what to send."""
    changes = _together.get()
    if changes is None:
        _flush([(groups, messages)])
    else:
        changes.append((groups, messages))


def _flush(changes):
    if not changes:
        return
    versions = iter(live_state.bump_many([group for groups, _ in changes for group in groups]))
    _send_messages([sent for groups, messages in changes for sent in messages(*(next(versions) for _ in groups))])


def touch(group):
    """A change with nothing to show open pages (an event edited, a room removed): a new
    version and an empty message, so no process serves the state cached before it."""
    send(group, "")


def _send_messages(messages):
    """Send [(group, message), ...] in order, in one hop onto the event loop (each hop costs
    a thread switch under the GIL the next POST is waiting for); what the channel layer
    refuses waits in the backlog, in order."""
    with _lock:
        if _backlog:  # older fragments wait: keep the order
            _backlog.extend(messages)
            _start_retrier()
            return
    layer = get_channel_layer()
    sent = 0

    async def send_all():
        nonlocal sent
        for group, message in messages:
            await layer.group_send(group, message)
            sent += 1

    try:
        async_to_sync(send_all)()
    except Exception:
        log.warning("Live update for %s kept for later: the channel layer is unreachable",
                    ", ".join(group for group, _ in messages[sent:]), exc_info=True)
        with _lock:
            _backlog.extend(messages[sent:])
            _start_retrier()


def _start_retrier():
    global _retrier
    if _retrier is None or not _retrier.is_alive():
        _retrier = threading.Thread(target=_retry, name="pika-live-retry", daemon=True)
        _retrier.start()


def _retry():
    """Send the backlog in order, one loop for the thread's whole life (the Redis layer
    keeps connections per event loop); ends when the backlog is empty."""
    global _retrier
    loop = asyncio.new_event_loop()
    layer = get_channel_layer()
    try:
        while True:
            with _lock:
                if not _backlog:
                    _retrier = None  # a send from now on starts a fresh retrier
                    return
                group, message = _backlog[0]
            try:
                loop.run_until_complete(layer.group_send(group, message))
            except Exception:
                time.sleep(RETRY_SECONDS)
                continue
            with _lock:
                if _backlog and _backlog[0][1] is message:
                    _backlog.popleft()
    finally:
        loop.close()


# A live page is connecting. Sent with sender = the page kind ("set", "stage" or "event")
# and the page's object (dj_set=, stage= or event=); each receiver returns the HTML it
# adds to the page's first state (announcements add their banners). A lower app's
# consumer thus shows a higher app's piece without importing it.
first_state = Signal()


def extra_first_state(kind, **objects):
    return "".join(html for _, html in first_state.send(sender=kind, **objects) if html)
