"""One rule per object type: the object this person may see or drive, or None.

Pages wrap these in pika.access.or_404.
"""

from django.db.models import Q

from announcements.models import Announcement


def announcement_for_author(user, code):
    """An announcement its sender may follow: the event's organizer, or the set's DJ."""
    if not user.is_authenticated:
        return None
    return (
        Announcement.objects.select_related("push", "event", "dj_set")
        .filter(Q(event__organizer=user) | Q(dj_set__dj=user), code=code).first()
    )


def why_dj_cannot_announce(dj_set):
    """Why this (the DJ's own) set takes no announcement from its DJ, or None when it does:
    a DJ announces to a live Quick Start set; on an event stage the organizer speaks."""
    if not dj_set.is_live:
        return "This set has ended; its listeners have moved on."
    if dj_set.stage_id:
        return "On an event stage, announcements are the organizer's to send."
    return None
