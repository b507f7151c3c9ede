"""What open pages see: the live fragments, rendered once per change and sent to groups.

Every change (track posted, set started or ended) is saved first; then, on commit, one
of the functions here renders each fragment once and hands it to the channel layer.
Consumers only relay what arrives. Pages, HTMX swaps and WebSocket pushes all render
the same partials of `stages/live.html`.
"""

import secrets

from django.contrib.auth.models import AnonymousUser
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from pika import listeners
from pika.live import (
    event_group, live_page, send, send_pair, set_group, set_page_groups, stage_group, stage_page_groups, together,
)
from pika.middleware import is_first_visit
from pika.templatetags.pika import ago_changes_in
from stages.signals import set_audience_changed, set_changed, stage_audience_changed, stage_changed
from stages.timezones import shown_tz

RECENT_LIMIT = 50


def audience(dj_set=None, stage=None):
    """How many follow this music: the set's own page plus its stage's page."""
    return listeners.total(audience_groups(dj_set, stage))


def audience_groups(dj_set=None, stage=None):
    """The pages whose listeners follow this music.

    A stage page counts with the set it shows; a set's page counts its stage's page only
    while the set drives that stage. `stage` is given when the set is known to drive it.
    """
    groups = []
    if dj_set is not None:
        groups.append(set_group(dj_set.pk))
        if stage is None and dj_set.is_live and dj_set.stage_id and dj_set.drives_stage():
            stage = dj_set.stage
    if stage is not None:
        groups.append(stage_group(stage.pk))
    return groups


def live_context(dj_set, stage=None, with_count=True):
    """Everything the live partials need, for a set page (stage=None) or a stage page."""
    tracks = list(dj_set.tracks_newest_first()[:RECENT_LIMIT]) if dj_set else []
    current = tracks[0] if tracks and dj_set.is_live else None
    event = stage.event if stage else (dj_set.event if dj_set else None)
    count = audience(dj_set, stage) if with_count and (dj_set or stage) else 0
    # A room between DJs names the set that just ended there (its recap is a tap away).
    ended = stage.dj_sets.order_by("-started_at").first() if stage is not None and dj_set is None else None
    return {
        "ended_set": ended,
        "dj_set": dj_set,
        "stage": stage,
        "event": event,
        "current": current,
        "earlier": tracks[1:] if current else tracks,
        "listeners": count,
        "tz": shown_tz(event),
    }


def render_live(dj_set, stage=None, with_count=True):
    """The now-playing card and the set list, as one WebSocket message.

    A socket's first state leaves the count out (`with_count=False`): it changes with
    every join and would spoil the state cached per version; the socket's own join
    brings a fresh count within a second (pika/listeners.py).
    """
    context = live_context(dj_set, stage, with_count)
    html = (render_to_string("stages/live.html#now-playing", context)
            + render_to_string("stages/live.html#set-list", context))
    # A new set on a stage brings its own listeners: the count changes with it.
    return html + render_listeners(context["listeners"]) if with_count else html


# A page's GET (and its HTMX poll): what the live pieces look like is rendered once per
# version in this process, as for the sockets (pika/live_state.py), and every first visit
# (a fresh QR scan, pika.middleware.is_first_visit) is sent those very pieces with its own
# CSRF token put in; anyone else has the pieces rendered for them (their likes, votes)
# from the same objects: no query for the tracks or the rooms either. The count is every
# request's own. Half the stage page's time went to these pieces, the rest mostly to
# their queries (docs/benchmarks.md).

NOW_PLAYING, SET_LIST = "stages/live.html#now-playing", "stages/live.html#set-list"
# Where the shared pieces' forms carry the token; random, so no track title can hold it.
_CSRF_STAND_IN = f"csrf-{secrets.token_hex(16)}"


class _FirstVisit:
    """The request the shared pieces are rendered for: no account, a new browser."""

    user = AnonymousUser()
    client_id = ""
    client_id_is_new = True


def _panel(context, request, csrf_token):
    """The now-playing card and the set list, rendered for `request`'s dancer."""
    context = {**context, "request": request, "csrf_token": csrf_token}
    return {"now_playing": render_to_string(NOW_PLAYING, context), "set_list": render_to_string(SET_LIST, context)}


def _page_state(dj_set, stage=None):
    """(state, seconds it stays true) of a set or stage page: its objects, and its pieces as
    every first visit sees them."""
    context = live_context(dj_set, stage, with_count=False)
    # Who listens changes every second; which pages count does not (a set that stops
    # driving its stage hears of it: broadcast_go_live).
    state = {"context": context, "audience": audience_groups(dj_set, stage),
             **_panel(context, _FirstVisit(), _CSRF_STAND_IN)}
    if stage is not None:
        state["cards"] = mark_safe("".join(render_stage_cards(stage.event)))
    # "Started 4 min ago" is true until the next minute.
    return state, ago_changes_in(context["current"].played_at) if context["current"] else float("inf")


def _page_context(request, versions, state):
    context = dict(state["context"], live_versions=versions)
    # The page's one token, made only if something shows it (as the template's own).
    token = context["csrf_token"] = csrf(request)["csrf_token"]
    if is_first_visit(request):
        for name in ("now_playing", "set_list"):
            html = state[name]
            context[name] = mark_safe(html.replace(_CSRF_STAND_IN, str(token))) if _CSRF_STAND_IN in html else html
    else:
        context.update(_panel(state["context"], request, token))
    context["cards"] = state.get("cards")
    context["listeners"] = listeners.total(state["audience"])
    return context


def stage_page_context(request, stage):
    """Everything the stage page and its HTMX poll show (templates/stages/stage_page.html)."""
    versions, state = live_page(("stage", stage.pk), stage_page_groups(stage.pk, stage.event_id),
                                lambda: _page_state(stage.current_set(), stage))
    return _page_context(request, versions, state)


def set_page_context(request, dj_set):
    """Everything the set page and its HTMX poll show (templates/stages/set_page.html)."""
    # A Quick Start set's times read in each viewer's zone: a state per zone.
    zone = None if dj_set.event is not None else str(timezone.get_current_timezone())
    versions, state = live_page(("set", dj_set.pk, zone), set_page_groups(dj_set.pk), lambda: _page_state(dj_set))
    return _page_context(request, versions, state)


def render_listeners(count):
    return render_to_string("stages/live.html#listeners", {"listeners": count})


def stage_card(stage, dj_set=None):
    """What a room's card shows: the set it shows now and that set's track. `dj_set` is
    the stage's current set when the caller already has it (saves the query)."""
    dj_set = dj_set or stage.current_set()
    return {"stage": stage, "dj_set": dj_set, "track": dj_set.current_track() if dj_set else None}


def stage_cards(event):
    """Every room's card in three queries however many rooms there are (two per room
    before: the stage page's largest cost, docs/benchmarks.md)."""
    from django.db.models import OuterRef, Subquery

    from stages.models import DJSet, PlayedTrack

    newest_set = DJSet.objects.filter(stage=OuterRef("pk")).order_by("-started_at").values("pk")[:1]
    stages = list(event.stages.select_related("event").annotate(newest_set_id=Subquery(newest_set)))
    newest_track = PlayedTrack.objects.filter(dj_set=OuterRef("pk")).order_by("-played_at", "-pk").values("pk")[:1]
    live_sets = {
        dj_set.pk: dj_set
        for dj_set in DJSet.objects.live().select_related("stage__event")
        .filter(pk__in=[stage.newest_set_id for stage in stages if stage.newest_set_id])
        .annotate(current_track_id=Subquery(newest_track))
    }
    tracks = PlayedTrack.objects.in_bulk([s.current_track_id for s in live_sets.values() if s.current_track_id])
    cards = []
    for stage in stages:
        dj_set = live_sets.get(stage.newest_set_id)
        track = tracks.get(dj_set.current_track_id) if dj_set else None
        cards.append({"stage": stage, "dj_set": dj_set, "track": track})
    return cards


def render_stage_cards(event):
    return [render_to_string("stages/live.html#stage-card", {"card": card}) for card in stage_cards(event)]


def render_stage_card(card):
    return render_to_string("stages/live.html#stage-card", {"card": card})


def listener_messages(group):
    """The count messages after a join or leave in `group`: (group, html) pairs to send.

    Every page showing that audience gets the new number: the set's page, the stage page
    while the set drives it, and whatever the apps above show of the stage.
    """
    # Here, not at the top: stages.models imports this module to broadcast on commit.
    from stages.models import DJSet, Stage

    kind, _, pk = group.partition(".")
    dj_set = stage = None
    if kind == "session":
        dj_set = DJSet.objects.select_related("stage__event").filter(pk=pk).first()
        if dj_set is not None and dj_set.is_live and dj_set.stage_id and dj_set.drives_stage():
            stage = dj_set.stage
    elif kind == "stage":
        stage = Stage.objects.select_related("event").filter(pk=pk).first()
        dj_set = stage.current_set() if stage else None
    if dj_set is None and stage is None:
        return [(group, render_listeners(listeners.count(group)))]
    count = audience(dj_set, stage)
    html = render_listeners(count)
    messages = [(set_group(dj_set.pk), html)] if dj_set else []
    if stage is not None:
        messages.append((stage_group(stage.pk), html))
        for _, more in stage_audience_changed.send(sender=Stage, stage=stage, listeners=count):
            messages += more
    elif not dj_set.stage_id:
        for _, more in set_audience_changed.send(sender=DJSet, dj_set=dj_set, listeners=count):
            messages += more
    return messages


def _send_stage(stage, stage_html, card):
    """A stage's messages: its page gets `stage_html` (if any), every page of the event
    the room's card (`card`: stage_card).

    The stage's own phones get the card inside their stage message and are skipped by the
    event's copy: one frame per phone per track instead of two (half the writes a track
    costs the server, docs/benchmarks.md).
    """
    html = render_stage_card(card)
    if stage_html is None:
        send(event_group(stage.event_id), html)
    else:
        send_pair(stage_group(stage.pk), stage_html + html, event_group(stage.event_id), html)


def _stage_changed(stage):
    """A stage changed (no set's message goes with it): its card, and the apps above."""
    card = stage_card(stage)
    _send_stage(stage, None, card)
    stage_changed.send(sender=type(stage), stage=stage, card=card)


def broadcast_set(dj_set_id):
    """Send a set's new state to its page, and to its stage and event while it drives them."""
    from stages.models import DJSet  # see listener_messages

    dj_set = DJSet.objects.select_related("dj", "stage__event").get(pk=dj_set_id)
    stage = dj_set.stage if dj_set.drives_stage() else None
    with together():  # what the phones see first, in one hop (pika/live.py)
        send(set_group(dj_set.pk), render_live(dj_set))
        if stage is not None:
            current = stage.current_set()
            card = stage_card(stage, current)
            _send_stage(stage, render_live(current, stage), card)
    if stage is not None:
        stage_changed.send(sender=type(stage), stage=stage, card=card)
    set_changed.send(sender=type(dj_set), dj_set=dj_set)
    return dj_set


def render_now_playing(dj_set, track, stage=None, per_change=None):
    """A new now-playing track's card, for the set's page or (with `stage`) the room's.
    `per_change` (a dict) is shared by the renders of one change: what the partials inside
    work out for every phone alike is worked out once (the set's poll: one query)."""
    event = stage.event if stage else dj_set.event
    context = {"dj_set": dj_set, "stage": stage, "event": event, "current": track, "tz": shown_tz(event),
               "per_change": per_change}
    return render_to_string("stages/live.html#now-playing", context)


def render_prepend(dj_set, previous):
    """The track a new one replaces, on top of the set list: the same line on the set's
    page and on the room's (a track's time reads in the set's event's zone on both).

    With the new card, a few KB instead of the whole set list (up to 50 tracks) for every
    phone; pages get the full list on connect, on a late track and when the set starts or ends.
    """
    if previous is None:
        return ""
    event = dj_set.event
    context = {"dj_set": dj_set, "event": event, "track": previous, "tz": shown_tz(event)}
    return render_to_string("stages/live.html#set-list-prepend", context)


def newest_two(dj_set):
    """The set's two newest tracks, each marked with whether a newer set has taken the
    set's stage (`stage_taken`) and when the set ended (`set_ended_at`, read now: it may
    have ended since the request read it), in one query."""
    from django.db.models import Exists, F, Value

    taken = Exists(dj_set.later_sets_on_stage()) if dj_set.stage_id else Value(False)
    return list(dj_set.tracks_newest_first().annotate(stage_taken=taken, set_ended_at=F("dj_set__ended_at"))[:2])


def broadcast_track(dj_set, track_id):
    """Tell every open page of a new track: only what changed when it is now playing.

    `dj_set` is the set the track was posted to, as the request read it (with its stage
    and event): its tracks, whether it has ended and whether it still drives its stage
    are read again.
    The room goes first: most phones at a weekend follow a room, a set's own page is the
    DJ's and a few followers', so the room's message is rendered and sent before the set
    page's is rendered (docs/benchmarks.md, "Sixth sitting")."""
    newest = newest_two(dj_set)
    if not newest:
        return  # deleted since (its set was removed): nothing to show
    dj_set.ended_at = newest[0].set_ended_at
    if not dj_set.is_live:
        # History written after the set ended: its own page shows it; the room has moved on.
        send(set_group(dj_set.pk), render_live(dj_set))
        return
    if newest[0].pk != track_id:
        # A late track belongs in the middle of the list: send the whole state again.
        broadcast_set(dj_set.pk)
        return
    track = newest[0]
    previous = newest[1] if len(newest) > 1 else None
    prepend = render_prepend(dj_set, previous)
    stage = dj_set.stage if dj_set.stage_id and not track.stage_taken else None
    per_change = {}
    if stage is not None:
        # The set drives the stage and is live, so the room shows it, and this track.
        card = {"stage": stage, "dj_set": dj_set, "track": track}
        _send_stage(stage, render_now_playing(dj_set, track, stage, per_change) + prepend, card)
    with together():  # then the set's page and what the apps above show of it, in one hop
        send(set_group(dj_set.pk), render_now_playing(dj_set, track, per_change=per_change) + prepend)
        if stage is not None:
            stage_changed.send(sender=type(stage), stage=stage, card=card)
        set_changed.send(sender=type(dj_set), dj_set=dj_set)


def broadcast_stage(stage_id):
    """A room renamed (or moved): its card on every open page of the event, and its row."""
    from stages.models import Stage  # see listener_messages

    stage = Stage.objects.select_related("event").filter(pk=stage_id).first()
    if stage is not None:
        _stage_changed(stage)


def broadcast_go_live(dj_set_id):
    """A new set: its state, and a fresh count for any older set it took the stage from."""
    from stages.models import DJSet  # see listener_messages

    dj_set = broadcast_set(dj_set_id)
    if dj_set.stage_id:
        for older in DJSet.objects.live().filter(stage_id=dj_set.stage_id).exclude(pk=dj_set.pk):
            send(set_group(older.pk), render_listeners(audience(older)))
