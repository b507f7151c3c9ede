from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from events.models import Event
from stages import live


def event_for_visitor(user, slug):
    event = get_object_or_404(Event, slug=slug)
    if not event.is_visible_to(user):
        raise Http404
    return event


@never_cache
def event_page(request, slug):
    event = event_for_visitor(request.user, slug)
    return render(request, "events/event_page.html", {
        "event": event,
        "cards": live.stage_cards(event),
        "is_preview": not event.is_visible_publicly(),
    })
