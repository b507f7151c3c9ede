"""One lookup per object type: the object, or a 404."""

from django.shortcuts import get_object_or_404

from stages.models import PlayedTrack


def track_to_like(set_code, pk):
    """A track is liked through its set's unguessable code: a bare id (from counting up)
    reaches nothing, so likes can't be used to discover sets a dancer was never shown."""
    return get_object_or_404(PlayedTrack.objects.select_related("dj_set"), pk=pk, dj_set__code=set_code)
