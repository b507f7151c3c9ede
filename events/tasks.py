"""django-q2 tasks: thin, they take ids (or nothing) and call the models."""

from django.utils import timezone

from events import live_timetable
from events.models import Release, Reminder


def notify_release(release_id):
    release = Release.objects.select_related("event").filter(pk=release_id).first()
    if release is not None:
        release.notify_concerned()


def timetable_tick():
    """Every minute: reminders that are due, and now/next for stages at a slot boundary."""
    moment = timezone.now()
    sent = Reminder.objects.send_due(moment)
    changed = live_timetable.broadcast_boundaries(moment)
    return sent, changed
