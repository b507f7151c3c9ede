"""The timetable on open pages: "now" and "next" per stage, rendered once per change and
sent to the event's group (the event page, the timetable, stage screens all listen there).

A release changes it, and so does the clock: the minute task finds the stages at a slot
boundary and sends their fresh state, so a venue screen turns over without a reload.
"""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from events import timetable
from pika.live import event_group, send

TICK_KEY = "timetable:last-tick"


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
    """The event-wide now/next block and every stage's screen block, as one message."""
    lines = now_next(event, rows, moment)
    context = {"event": event, "now_next": lines, "tz": event.tzinfo}
    html = render_to_string("events/timetable.html#now-next", context)
    for stage, current, upcoming in lines:
        html += render_to_string("events/screen.html#screen", {
            "event": event, "stage": stage, "current": current, "upcoming": upcoming, "tz": event.tzinfo,
        })
    return html


def broadcast_timetable(release_id):
    """A new release: open pages get now/next and a "version N is out" notice."""
    from events.models import Release

    release = Release.objects.select_related("event").filter(pk=release_id).first()
    if release is None or not release.event.is_visible_publicly():
        return
    event = release.event
    html = render_now_next(event) + render_to_string("events/timetable.html#new-version", {
        "event": event, "release": release, "pushed": True,
    })
    send(event_group(event.pk), html)


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
        send(event_group(event.pk), render_now_next(event, moment=moment))
    return len(event_ids)


def released(release_id):
    """A release was committed: open pages update now, people are told from the task cluster."""
    # Here: events.models imports this module, and django_q's tasks import its models.
    from django_q.tasks import async_task

    broadcast_timetable(release_id)
    async_task("events.tasks.notify_release", release_id)
