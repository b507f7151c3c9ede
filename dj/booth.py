"""The booth view's live likes: "5 people liked Ghost" for the play that is on now.

Re-rendered by the DJ's booth socket (dj/consumers.py) at most once a second, when a
heart arrives or the track changes; never sent to the dancers.
"""

from django.db.models import Count
from django.template.loader import render_to_string

from crate.models import Like

# How many of the latest plays the booth offers to rate (peak / neutral / brick).
RATED_PLAYS = 5


def likes_context(dj_set):
    """The play on now with its like count, and the set's likes so far (two queries)."""
    current = (dj_set.tracks.annotate(like_count=Count("likes")).order_by("-played_at", "-pk").first()
               if dj_set.is_live else None)
    return {
        "dj_set": dj_set,
        "liked_track": current,
        "set_likes": Like.objects.filter(track__dj_set=dj_set).count(),
    }


def render_likes(dj_set):
    return render_to_string("dj/live_view.html#booth-likes", likes_context(dj_set))
