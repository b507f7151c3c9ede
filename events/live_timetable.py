"""The timetable on open pages: "now" and "next" per stage, rendered once per change and
sent to the timetable page's group and to each stage's venue screen.

A release changes it, and so does the clock: the minute task finds the stages at a slot
boundary and sends their fresh state, so a venue screen turns over without a reload.
"""

from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from events import timetable

TICK_KEY = "timetable:last-tick"


def timetable_group(event_id):
    return f"timetable.{event_id}"


def screen_group(stage_id):
    return f"screen.{stage_id}"


def current_rows(event):
    from events.models import ReleasedSlot

    return list(
        ReleasedSlot.objects.current().showing().filter(release__event=event)
        .select_related("stage", "slot").in_order()
    )


def now_next(event, rows=None, moment=None):
    """[(stage, now row, next row)] in stage order, for the stages that have slots."""
    rows = current_rows(event) if rows is None else rows
    per_stage = timetable.now_and_next(rows, moment or timezone.now())
    return [(stage, *per_stage[stage.pk]) for stage in event.stages.all() if stage.pk in per_stage]


def render_now_next(event, rows=None, moment=None):
    """The event-wide now/next block (the timetable page's)."""
    context = {"event": event, "now_next": now_next(event, rows, moment), "tz": event.tzinfo}
    return render_to_string("events/timetable.html#now-next", context)


def screen_context(stage, rows=None, moment=None):
    event = stage.event
    rows = [row for row in (current_rows(event) if rows is None else rows) if row.stage_id == stage.pk]
    current, upcoming = timetable.now_and_next(rows, moment or timezone.now()).get(stage.pk, (None, None))
    return {"event": event, "stage": stage, "current": current, "upcoming": upcoming, "tz": event.tzinfo}


def render_screen(stage, rows=None, moment=None):
    return render_to_string("events/screen.html#screen", screen_context(stage, rows, moment))


def broadcast_now_next(event, moment=None, extra=""):
    """Send now/next to the timetable page and each stage's screen (rows read once)."""
    rows = current_rows(event)
    send(timetable_group(event.pk), render_now_next(event, rows, moment) + extra)
    for stage in event.stages.all():
        stage.event = event
        send(screen_group(stage.pk), render_screen(stage, rows, moment))


def send(group, html):
    async_to_sync(get_channel_layer().group_send)(group, {"type": "live.html", "html": html})


def broadcast_timetable(release_id):
    """A new release: open pages get now/next and a "version N is out" notice."""
    from events.models import Release

    release = Release.objects.select_related("event").filter(pk=release_id).first()
    if release is None or not release.event.is_visible_publicly():
        return
    event = release.event
    broadcast_now_next(event, extra=render_to_string("events/timetable.html#new-version", {
        "event": event, "release": release,
    }))


def broadcast_boundaries(moment=None):
    """Send now/next to each published event with a slot starting or ending since the
    last tick. Returns how many events were told."""
    from events.models import Event, ReleasedSlot

    moment = moment or timezone.now()
    since = cache.get(TICK_KEY) or moment - timedelta(seconds=70)
    cache.set(TICK_KEY, moment, timeout=3600)
    event_ids = set(
        ReleasedSlot.objects.current().showing()
        .filter(release__event__status=Event.Status.PUBLISHED)
        .filter(Q(starts_at__gt=since, starts_at__lte=moment) | Q(ends_at__gt=since, ends_at__lte=moment))
        .values_list("release__event_id", flat=True)
    )
    for event in Event.objects.filter(pk__in=event_ids):
        broadcast_now_next(event, moment)
    return len(event_ids)
