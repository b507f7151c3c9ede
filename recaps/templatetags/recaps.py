"""The lobby's pieces other apps' pages show: the home page's "live now" banner."""

from django import template

from recaps import lobby

register = template.Library()


@register.inclusion_tag("recaps/live_now.html")
def live_now_banner():
    """Links to the one room live now, or to the lobby when several are."""
    return {"live_sets": lobby.live_now(with_listeners=False)}
