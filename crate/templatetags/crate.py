from django import template

from crate.live import like_counts_context
from crate.models import Like

register = template.Library()


@register.simple_tag(takes_context=True)
def is_liked(context, track):
    """True/False for the dancer of this request; None when there is no request: a
    fragment rendered once for every phone, where likes.js applies each dancer's state."""
    request = context.get("request")
    if request is None or not hasattr(request, "client_id"):
        return None
    return track.pk in Like.objects.liked_track_ids(request)


@register.inclusion_tag("crate/like_counts.html")
def like_counts(dj_set, live=False):
    return {**like_counts_context(dj_set), "live": live}
