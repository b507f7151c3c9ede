"""The DJ's live like counts.

Likes never go to the dancers' groups: the public fragments are the same for every
phone and a count pushed to thousands of phones on every heart would be a storm.
A like only pings the set's DJ group with a tiny "changed" event; the DJ's consumer
re-renders the counts at most once a second (crate/consumers.py).
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Count
from django.template.loader import render_to_string


def likes_group(dj_set_id):
    return f"likes.{dj_set_id}"


def likes_changed(dj_set_id):
    async_to_sync(get_channel_layer().group_send)(likes_group(dj_set_id), {"type": "likes.changed"})


def like_counts_context(dj_set):
    """A set's liked tracks with their counts, most liked first."""
    tracks = list(
        dj_set.tracks.annotate(like_count=Count("likes"))
        .filter(like_count__gt=0)
        .order_by("-like_count", "-played_at", "-pk")
    )
    return {"dj_set": dj_set, "liked_tracks": tracks, "total_likes": sum(t.like_count for t in tracks)}


def render_like_counts(dj_set):
    return render_to_string("crate/like_counts.html#like-counts", like_counts_context(dj_set))
