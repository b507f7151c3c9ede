from django import template

from crowd import live

register = template.Library()


@register.inclusion_tag("crowd/floor.html", takes_context=True)
def crowd_floor(context, dj_set, current):
    """The dancers' tempo vote and thank-you for the current track, and the set's poll.
    Without a request (a fragment pushed to every phone) nobody's own state is in it, so
    the renders of one change (`per_change`: the set's page and the room's) share it."""
    request, shared = context.get("request"), context.get("per_change")
    if request is None and shared is not None:
        key = ("crowd_floor", dj_set.pk, current.pk if current else None)
        if key not in shared:
            shared[key] = live.floor_context(dj_set, current)
        found = shared[key]
    else:
        found = live.floor_context(dj_set, current, request)
    return {**found, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("crowd/dj_panel.html")
def crowd_dj_panel(dj_set):
    return live.dj_panel_context(dj_set)
