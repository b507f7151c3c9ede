"""One rule per object type: the object, or None (pages 404, the API a JSON 404)."""

from crowd.models import Poll
from stages.models import PlayedTrack


def track_of_set(set_code, pk):
    """A played track reached through its set's unguessable code (a counted-up id alone
    reaches nothing)."""
    if not 0 < pk < 2**63:
        return None
    return PlayedTrack.objects.select_related("dj_set__stage").filter(pk=pk, dj_set__code=set_code).first()


def poll_of_set(set_code, poll_code):
    """A poll as its set's pages show it: another set's (another room's) poll is not found."""
    return (Poll.objects.select_related("dj_set__stage").prefetch_related("options")
            .filter(code=poll_code, dj_set__code=set_code).first())


def poll_for_dj(user, poll_code, *, set_code=None, set_pk=None):
    """A poll of one of `user`'s own sets; None for anyone else's."""
    if not user.is_authenticated:
        return None
    found = Poll.objects.select_related("dj_set__stage").filter(code=poll_code, dj_set__dj=user)
    found = found.filter(dj_set__code=set_code) if set_code is not None else found.filter(dj_set_id=set_pk)
    return found.first()
