"""One rule per object type: the object, or None (pages answer 404)."""

from stages.models import PlayedTrack


def track_to_like(set_code, pk):
    """A track is liked through its set's unguessable code: a bare id (from counting up)
    reaches nothing, so likes can't be used to discover sets a dancer was never shown."""
    return PlayedTrack.objects.select_related("dj_set").filter(pk=pk, dj_set__code=set_code).first()


def track_for_dj(user, pk):
    """A played track of one of `user`'s own sets (to verify it); None for anyone else's,
    so nobody learns whether another DJ's track exists."""
    if not user.is_authenticated or not 0 < pk < 2**63:
        return None
    return PlayedTrack.objects.select_related("dj_set").filter(pk=pk, dj_set__dj=user).first()
