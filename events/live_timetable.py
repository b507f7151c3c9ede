"""The timetable on open pages: "now" and "next" per stage, rendered once per change and
sent to the timetable page's group and to each stage's venue screen.

A release changes it, and so does the clock: the minute task finds the stages at a slot
boundary and sends their fresh state, so a venue screen turns over without a reload.
Callers pass the released rows (read once); this module renders and sends, nothing else.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from events import timetable
from pika.live import screen_group, send, timetable_group


def now_next(event, rows, moment=None):
    """[(stage, now row, next row)] in stage order, for the stages that have slots."""
    per_stage = timetable.now_and_next(rows, moment or timezone.now())
    return [(stage, *per_stage[stage.pk]) for stage in event.stages.all() if stage.pk in per_stage]


def render_now_next(event, rows, moment=None):
    """The event-wide now/next block (the timetable page's)."""
    return render_to_string("events/timetable.html#now-next", now_next_context(event, rows, moment))


def next_boundary(lines):
    """When what these lines show changes next: the soonest end of a slot on now or start
    of a slot up next (None when nothing is on or ahead)."""
    moments = [row.ends_at for _, row, _ in lines if row] + [row.starts_at for _, _, row in lines if row]
    return min(moments, default=None)


def now_next_context(event, rows, moment=None):
    lines = now_next(event, rows, moment)
    return {
        "event": event, "now_next": lines, "on_or_ahead": any(now or up for _, now, up in lines),
        "boundary": next_boundary(lines), "tz": event.tzinfo,
    }


def screen_context(stage, rows, moment=None):
    event = stage.event
    rows = [row for row in rows if row.stage_id == stage.pk]
    current, upcoming = timetable.now_and_next(rows, moment or timezone.now()).get(stage.pk, (None, None))
    return {
        "event": event, "stage": stage, "current": current, "upcoming": upcoming,
        "boundary": next_boundary([(stage, current, upcoming)]), "tz": event.tzinfo,
    }


def render_screen(stage, rows, moment=None):
    return render_to_string("events/screen.html#screen", screen_context(stage, rows, moment))


def broadcast_now_next(event, rows, moment=None, extra=""):
    """Send now/next to the timetable page and each stage's venue screen."""
    send(timetable_group(event.pk), render_now_next(event, rows, moment) + extra)
    for stage in event.stages.all():
        stage.event = event
        send(screen_group(stage.pk), render_screen(stage, rows, moment))


def broadcast_release(release, rows):
    """A new release: open pages get now/next and a "version N is out" notice."""
    event = release.event
    if event.is_visible_publicly():
        broadcast_now_next(event, rows, extra=render_to_string("events/timetable.html#new-version", {
            "event": event, "release": release,
        }))
