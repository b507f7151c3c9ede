"""What the crowd's changes show, and to whom.

The DJ's panel (tempo totals, thank-yous, the poll with its controls) listens on its own
group, `crowd.<set id>`: a vote or a thank-you only pings it with a tiny "changed" event
and the DJ's consumer re-renders at most once a second (crowd/consumers.py), like likes.

Dancers see only polls: the poll slot (`#crowd-poll`) lives in the now-playing card, so a
track push, a set's start or end and a page's first state carry it as they are; a poll
started, ended or cancelled is sent to the set's page and, while the set drives it, its
stage's page (pika.live.send bumps their versions, so a reconnecting phone is current).
Answers update the dancers' tallies, and taps ping the DJ's panel, at most once per
PIKA_CROWD_TALLY_SECONDS (per poll, per set and kind): a room answering at once must not
become a message per answer per phone, nor a channel-layer send per tap.
"""

import logging
import threading

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from pika.live import send, set_group, stage_group
from pika.middleware import is_first_visit
from pika.tasks import later
from stages.models import DJSet, PlayedTrack

log = logging.getLogger(__name__)

DJ_PANEL = "crowd/dj_panel.html"
FLOOR = "crowd/floor.html"


def crowd_group(dj_set_id):
    return f"crowd.{dj_set_id}"


def crowd_changed(dj_set_id, kind):
    """Ping the set's DJ panel: `kind` is "tempo", "thanks" or "poll". A room tapping at
    once pings it at most once per window and kind (its consumer re-reads the numbers)."""
    _at_most_once_per_window(f"crowd:ping:{dj_set_id}:{kind}", lambda: _ping(dj_set_id, kind))


def _ping(dj_set_id, kind):
    try:
        async_to_sync(get_channel_layer().group_send)(crowd_group(dj_set_id), {"type": "crowd.changed", "kind": kind})
    except Exception:
        # The DJ's panel re-reads everything when it reconnects: a lost ping loses nothing.
        log.warning("crowd: cannot ping the DJ panel of set %s", dj_set_id, exc_info=True)


# The windows this process opened and has not closed yet: {key: whether anything came since}.
# A tap in a window of our own is one dict write, not two Redis round trips.
_own_windows = {}
_own_windows_lock = threading.Lock()


def _at_most_once_per_window(key, send):
    """`send()` now, unless it ran for `key` less than PIKA_CROWD_TALLY_SECONDS ago; then
    once more when that window closes if anything came meanwhile, so the last change is
    always sent. Shared by every process through the cache; 0 sends every time."""
    window = settings.PIKA_CROWD_TALLY_SECONDS
    if window <= 0:
        send()
        return
    with _own_windows_lock:
        if key in _own_windows:
            _own_windows[key] = True  # seen by this process's timer when the window closes
            return
    try:
        if not cache.add(key, 0, timeout=max(1, round(window * 3))):
            cache.incr(key)  # seen by the window's owner (another process) when it closes
            return
    except Exception:
        log.warning("crowd: window of %s unknown (cache down): sending now", key, exc_info=True)
        send()
        return
    with _own_windows_lock:
        _own_windows[key] = False
    send()
    timer = threading.Timer(window, _close_window, args=(key, send))
    timer.daemon = True
    timer.start()


def _close_window(key, send):
    try:
        with _own_windows_lock:
            more_here = _own_windows.pop(key, False)
        more = cache.get(key)
        cache.delete(key)
        # None: the count was lost (Redis restarted or flushed): send, the last change may be in it.
        if more_here or more is None or more > 0:
            send()
    except Exception:
        log.exception("crowd: the last change of %s was not sent", key)
    finally:
        connections.close_all()  # this timer thread's own, gone with it


# The dancers' poll slot.

def poll_context(dj_set, request=None):
    """The poll a set's pages show (or None) with its tallies; with a request, also the
    dancer's own answer (a position, or None), else `mine` is absent: pushed fragments are
    the same for every phone and static/js/crowd.js marks each dancer's own answer."""
    from crowd.models import Poll, PollAnswer  # crowd.models imports this module

    poll = Poll.objects.shown(dj_set) if dj_set is not None and dj_set.is_live else None
    context = {"poll": poll, "dj_set": dj_set}
    if poll is None:
        return context
    tallies = poll.tallies()
    total = sum(n for _, n in tallies)
    context.update(
        rows=[(option, n, round(100 * n / total) if total else 0) for option, n in tallies],
        total=total, closed=poll.closed_at is not None,
    )
    if request is not None and hasattr(request, "client_id"):
        owner = _owner(request)
        position = None
        if owner is not None:
            position = PollAnswer.objects.of(owner).filter(poll=poll).values_list("option__position", flat=True).first()
        context["mine"] = "" if position is None else position
    return context


def _owner(request):
    """The dancer of `request` as model fields, or None when they cannot have voted yet
    (a first visit, a fresh QR scan: no query) or have no id."""
    from crowd.models import Refused, dancer  # see poll_context

    if is_first_visit(request):
        return None
    try:
        return dancer(request)
    except Refused:
        return None


TEMPO_BUTTONS = [("slower", "Slower", "🐢"), ("perfect", "Perfect", "👌"), ("faster", "Faster", "🐇")]


def floor_context(dj_set, current, request=None):
    """The dancers' piece of the now-playing card (crowd/floor.html): with a request, the
    dancer's own tempo vote, thank-you and answer; without, the same for every phone."""
    from crowd.models import TempoVote, ThankYou  # see poll_context

    found = {"dj_set": dj_set, "current": current, "tempo_choices": TEMPO_BUTTONS}
    if request is not None and hasattr(request, "client_id") and current is not None:
        owner = _owner(request)
        if owner is None:
            found.update(mine_tempo="", mine_thanks=False)
        else:
            # Both in one query: the page's first paint waits for it.
            mine = PlayedTrack.objects.filter(pk=current.pk).values_list(
                Subquery(TempoVote.objects.of(owner).filter(track=OuterRef("pk")).values("choice")[:1]),
                Exists(ThankYou.objects.of(owner).filter(track=OuterRef("pk"))),
            ).first() or (None, False)
            found.update(mine_tempo=mine[0] or "", mine_thanks=mine[1])
    found.update(poll_context(dj_set, request))
    return found


def tap_context(track, **mine):
    """The tempo or thank-you buttons of one track for the dancer who just tapped, whose
    choice (`mine_tempo=…` or `mine_thanks=…`) is known: no query."""
    return {"dj_set": track.dj_set, "current": track, "tempo_choices": TEMPO_BUTTONS, **mine}


def render_poll_slot(dj_set):
    return render_to_string(FLOOR + "#poll-slot", poll_context(dj_set))


def _send_poll(dj_set_id):
    """The set's poll slot, as it stands, to the set's page and (while the set drives it)
    its stage's page."""
    dj_set = DJSet.objects.select_related("stage__event").get(pk=dj_set_id)
    html = render_poll_slot(dj_set)
    send(set_group(dj_set.pk), html)
    if dj_set.is_live and dj_set.drives_stage():
        send(stage_group(dj_set.stage_id), html)


def _set_of_poll(poll_id):
    from crowd.models import Poll  # see poll_context

    return Poll.objects.filter(pk=poll_id).values_list("dj_set_id", flat=True).first()


def poll_changed(poll_id):
    """A poll started, ended or was cancelled: every page of its set now, and the DJ."""
    dj_set_id = _set_of_poll(poll_id)
    if dj_set_id is not None:
        _send_poll(dj_set_id)
        crowd_changed(dj_set_id, "poll")


def poll_ended(poll_id):
    """Ended early or cancelled: the pages now, and again once the results' minute is up
    (they leave the pages then, crowd/tasks.py)."""
    from crowd.models import RESULTS_SECONDS  # see poll_context

    poll_changed(poll_id)
    later(RESULTS_SECONDS, "crowd.tasks.poll_changed", poll_id)


def poll_answered(poll_id):
    """An answer: the DJ's panel is pinged; the dancers' tallies follow at most once per
    window per poll, the first at once and the last one after the window (so the final
    numbers always arrive)."""
    dj_set_id = _set_of_poll(poll_id)
    if dj_set_id is None:
        return
    crowd_changed(dj_set_id, "poll")
    _at_most_once_per_window(f"crowd:tally:{poll_id}", lambda: _send_poll(dj_set_id))


def schedule_poll_end(poll_id, ends_at):
    """A timed poll closes by itself: its pages are told when it does, and again when its
    results leave them (crowd/tasks.py)."""
    from crowd.models import RESULTS_SECONDS  # see poll_context

    seconds = max(0.0, (ends_at - timezone.now()).total_seconds())
    later(seconds, "crowd.tasks.poll_changed", poll_id)
    later(seconds + RESULTS_SECONDS, "crowd.tasks.poll_changed", poll_id)


# The DJ's panel.

def dj_panel_context(dj_set, thanks_burst=0):
    """Everything `crowd/dj_panel.html` needs for one set: the current track's tempo
    totals, thank-yous (with how many just arrived), the poll and the new-poll form."""
    from crowd.models import DURATIONS, MAX_OPTIONS, PRESETS, Poll, TempoVote, ThankYou  # see poll_context

    current = dj_set.current_track()
    tempo = TempoVote.objects.totals(current)
    tempo_total = sum(tempo.values())
    thanks_total = ThankYou.objects.filter(track__dj_set=dj_set).count()
    thanks_track = ThankYou.objects.filter(track=current).count() if current else 0
    poll = Poll.objects.filter(dj_set=dj_set, cancelled=False).prefetch_related("options").first()
    rows, total = [], 0
    if poll is not None:
        tallies = poll.tallies()
        total = sum(n for _, n in tallies)
        rows = [(option, n, round(100 * n / total) if total else 0) for option, n in tallies]
    return {
        "dj_set": dj_set,
        "current": current,
        "tempo": [(choice, tempo[choice], round(100 * tempo[choice] / tempo_total) if tempo_total else 0)
                  for choice in TempoVote.CHOICES],
        "tempo_total": tempo_total,
        "thanks_total": thanks_total,
        "thanks_track": thanks_track,
        "thanks_burst": thanks_burst,
        "poll": poll,
        "poll_open": poll is not None and poll.is_open,
        "poll_rows": rows,
        "poll_total": total,
        "presets": [(key, question, options) for key, (question, options) in PRESETS.items()],
        "durations": [(seconds, f"{seconds // 60} min") for seconds in DURATIONS],
        "option_slots": range(MAX_OPTIONS),
    }


def render_dj_panel_pieces(dj_set, kinds=("tempo", "thanks", "poll"), thanks_burst=0):
    """{kind: its piece of the panel} (each swaps by its id); one socket message joins them."""
    context = dj_panel_context(dj_set, thanks_burst)
    return {kind: render_to_string(f"{DJ_PANEL}#{kind}", context) for kind in kinds}
