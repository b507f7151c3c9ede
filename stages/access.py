"""One lookup per object type: the object, or a 404 for everybody who may not see it."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from stages.models import DJSet, Stage


def set_for_public(code):
    return get_object_or_404(DJSet.objects.select_related("stage__event"), code=code)


def set_for_dj(user, code):
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(DJSet.objects.select_related("stage__event"), code=code, dj=user)


def stage_for_visitor(user, code):
    """A stage page is public once its event is published; before, only its organizer sees it."""
    stage = get_object_or_404(Stage.objects.select_related("event"), code=code)
    if not stage.event.is_visible_to(user):
        raise Http404
    return stage
