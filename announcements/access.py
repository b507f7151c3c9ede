"""One lookup per object type: the object, or a 404 for everybody who may not see it."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from announcements.models import Announcement


def announcement_for_author(user, code):
    """An announcement its sender may follow: the event's organizer, or the set's DJ."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Announcement.objects.select_related("push", "event", "dj_set"),
        Q(event__organizer=user) | Q(dj_set__dj=user),
        code=code,
    )
