import re
from functools import lru_cache

from django import template
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


def ago_changes_in(moment):
    """Seconds until `ago(moment)` reads differently: a page rendered once for many
    visitors is rendered again then (it counts whole minutes; "just now" before `moment`)."""
    from django.utils import timezone

    elapsed = (timezone.now() - moment).total_seconds()
    return 60 - elapsed % 60 if elapsed >= 0 else 60 - elapsed


@register.simple_tag
def after_paint(path):
    """A script fetched after the page's first paint: static/js/boot.js loads it."""
    from django.templatetags.static import static

    return format_html('<script type="text/plain" data-after-paint="{}"></script>', static(path))


CRITICAL_CSS = "css/critical.css"


@lru_cache(maxsize=1)
def _critical_rules():
    return _read_critical_rules()


def _read_critical_rules():
    """static/css/critical.css as it goes into a page: comments and indentation dropped
    (the bytes are in every page), found by the staticfiles finders like any static file."""
    from django.contrib.staticfiles import finders

    path = finders.find(CRITICAL_CSS)
    if path is None:
        raise ImproperlyConfigured(f"{CRITICAL_CSS} is missing from the static files")
    with open(path, encoding="utf-8") as source:
        text = source.read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s*\n\s*", "\n", text).strip()
    if "</" in text:  # it would end the <style> element early
        raise ImproperlyConfigured(f"{CRITICAL_CSS} must not contain '</'")
    return text


def critical_rules():
    """Read once per process; with DEBUG on every time, so an edit shows on the next reload."""
    return _read_critical_rules() if settings.DEBUG else _critical_rules()


@register.simple_tag(takes_context=True)
def critical_css(context):
    """The first paint's rules inline, under this response's CSP nonce: no stylesheet
    round trip before the now-playing title shows. Without a nonce (a page rendered
    outside a request) the same file is linked instead."""
    # django-csp's nonce is lazy and reads as false until first used: str() makes it.
    nonce = context.get("csp_nonce")
    nonce = "" if nonce is None else str(nonce)
    if not nonce:
        from django.templatetags.static import static

        return format_html('<link rel="stylesheet" href="{}">', static(CRITICAL_CSS))
    return format_html('<style nonce="{}">{}</style>', nonce, mark_safe(critical_rules()))


@register.simple_tag
def stylesheet_after_paint(path):
    """A stylesheet that does not hold back the first paint: fetched alongside as
    media="print" (which never blocks rendering), switched on by static/js/boot.js; a
    browser without JavaScript gets the plain link from <noscript>."""
    from django.templatetags.static import static

    url = static(path)
    return format_html('<link rel="stylesheet" href="{}" media="print" data-after-paint-style>'
                       '<noscript><link rel="stylesheet" href="{}"></noscript>', url, url)
