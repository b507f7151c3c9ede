"""One rule per object type: the object this person may see or drive, or None.

Pages wrap these in pika.access.or_404; sockets close 4404.
"""

from events.models import CalendarFeed, Event, ReleasedSlot, Slot
from stages.models import DJSet


def event_for_visitor(user, slug):
    """Published events are public; drafts and archived events only their organizer sees."""
    event = Event.objects.filter(slug=slug).first()
    return event if event is not None and event.is_visible_to(user) else None


def event_for_public(slug):
    """A published event: what the event page's socket may show."""
    event = Event.objects.filter(slug=slug).first()
    return event if event is not None and event.is_visible_publicly() else None


def event_for_organizer(user, slug):
    """The (approved) organizer's own event; None does not reveal whether someone else's exists."""
    if not user.is_authenticated or not user.is_organizer:
        return None
    return Event.objects.filter(slug=slug, organizer=user).first()


def slot_for_organizer(user, slug, uid):
    """A draft slot of the user's own event."""
    event = event_for_organizer(user, slug)
    if event is None:
        return None
    return Slot.objects.in_draft().select_related("stage", "dj", "event").filter(event=event, uid=uid).first()


def released_slot_for_visitor(user, slug, uid):
    """A slot of an event's latest release the visitor may see (to star it)."""
    event = event_for_visitor(user, slug)
    if event is None:
        return None
    return (
        ReleasedSlot.objects.current().showing().select_related("slot")
        .filter(release__event=event, slot__uid=uid).first()
    )


def feed_by_token(token):
    """An active calendar feed (a revoked or wrong token looks like no feed)."""
    return CalendarFeed.objects.select_related("event", "user").filter(token=token, revoked_at__isnull=True).first()


def set_for_organizer(user, slug, code):
    """A live set on one of the organizer's own event's stages: theirs to end, its DJ
    theirs to block. None for anything else."""
    event = event_for_organizer(user, slug)
    if event is None:
        return None
    return DJSet.objects.select_related("stage__event", "dj").filter(stage__event=event, code=code).first()
