from django import template
from django.utils.html import format_html

from pika import submit_once

register = template.Library()


@register.simple_tag
def submit_token():
    """The hidden one-time token that makes a double submit harmless."""
    return format_html('<input type="hidden" name="{}" value="{}">', submit_once.FIELD, submit_once.new_token())
