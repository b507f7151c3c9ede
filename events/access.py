"""One lookup per object type: the object, or a 404 for everybody who may not see it."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Event


def event_for_visitor(user, slug):
    """Published events are public; drafts and archived events only their organizer sees."""
    event = get_object_or_404(Event, slug=slug)
    if not event.is_visible_to(user):
        raise Http404
    return event


def event_for_organizer(user, slug):
    """The user's own event, or a 404 that does not reveal whether someone else's exists."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Event, slug=slug, organizer=user)


def slot_for_organizer(user, slug, uid):
    """A draft slot of the user's own event, or a 404."""
    from events.models import Slot

    event = event_for_organizer(user, slug)
    return get_object_or_404(Slot.objects.in_draft().select_related("stage", "dj", "event"), event=event, uid=uid)


def released_slot_for_visitor(user, slug, uid):
    """A slot of an event's latest release the visitor may see (to star it), or a 404."""
    from events.models import ReleasedSlot

    event = event_for_visitor(user, slug)
    return get_object_or_404(
        ReleasedSlot.objects.current().showing().select_related("slot"), release__event=event, slot__uid=uid,
    )


def stage_for_screen(code):
    """A stage of a published event, for its venue screen, or a 404."""
    # Through the event, not the stages app: events sits below stages in the import order.
    event = Event.objects.filter(stages__code=code).first()
    if event is None or not event.is_visible_publicly():
        raise Http404
    return event.stages.get(code=code)


def feed_by_token(token):
    """An active calendar feed, or a 404 (a revoked or wrong token looks like no feed)."""
    from events.models import CalendarFeed

    return get_object_or_404(CalendarFeed.objects.select_related("event", "user"), token=token, revoked_at__isnull=True)
