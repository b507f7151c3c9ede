"""Who may see what of a set once it has been played.

The recap is public at the set's code once the set has ended (like the set's page, the
code is the secret). The logbook, the ratings and the notes are the set's DJ's alone:
`stages.access.set_for_dj` answers for the set, `track_to_rate` for one play of it.
"""

from stages.access import set_for_dj, set_for_public


def recap_for_public(code):
    """An ended set's recap, for anyone with its code; None while it is live or unknown."""
    dj_set = set_for_public(code)
    return dj_set if dj_set is not None and not dj_set.is_live else None


def track_to_rate(user, code, track_id):
    """(set, play) when `user` is the DJ of the set with `code` and the play is in it."""
    dj_set = set_for_dj(user, code)
    if dj_set is None:
        return None
    track = dj_set.tracks.filter(pk=track_id).first()
    return None if track is None else (dj_set, track)
