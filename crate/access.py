"""One rule per object type: the object, or None (pages answer 404)."""

from stages.models import PlayedTrack


def track_to_like(set_code, pk):
    """A track is liked through its set's unguessable code: a bare id (from counting up)
    reaches nothing, so likes can't be used to discover sets a dancer was never shown."""
    return PlayedTrack.objects.select_related("dj_set").filter(pk=pk, dj_set__code=set_code).first()
