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
