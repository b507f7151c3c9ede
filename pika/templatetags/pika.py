from django import template
from django.utils.html import format_html

from pika import submit_once

register = template.Library()


@register.simple_tag
def submit_token():
    """The hidden one-time token that makes a double submit harmless."""
    return format_html('<input type="hidden" name="{}" value="{}">', submit_once.FIELD, submit_once.new_token())


@register.filter
def ago(moment):
    """"just now", "4 min ago", "1 h 5 min ago": what a dancer glances at (pika.js keeps it fresh)."""
    from django.utils import timezone

    if not moment:
        return ""
    minutes = max(0, int((timezone.now() - moment).total_seconds() // 60))
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h {minutes % 60} min ago"


@register.simple_tag
def after_paint(path):
    """A script fetched after the page's first paint: static/js/boot.js loads it."""
    from django.templatetags.static import static

    return format_html('<script type="text/plain" data-after-paint="{}"></script>', static(path))
