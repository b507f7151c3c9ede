"""django-q2 tasks: thin, they take ids (or nothing) and call the models."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from events import live_timetable
from events.models import Release, ReleasedSlot, Reminder

TICK_KEY = "timetable:last-tick"


def notify_release(release_id):
    release = Release.objects.select_related("event").filter(pk=release_id).first()
    if release is not None:
        release.notify_concerned()


def timetable_tick():
    """Every minute: reminders that are due, and now/next for stages at a slot boundary."""
    moment = timezone.now()
    return Reminder.objects.send_due(moment), broadcast_boundaries(moment)


def broadcast_boundaries(moment):
    """Send now/next for each event with a slot starting or ending since the last tick.
    Returns how many events were told."""
    since = cache.get(TICK_KEY) or moment - timedelta(seconds=70)
    cache.set(TICK_KEY, moment, timeout=3600)
    events = list(ReleasedSlot.objects.boundary_events(since, moment))
    for event in events:
        live_timetable.broadcast_now_next(event, ReleasedSlot.objects.showing_now(event), moment)
    return len(events)
