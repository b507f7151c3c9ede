from django import template

from accounts.models import OrganizerApplication

register = template.Library()


@register.simple_tag
def pending_applications():
    """How many organizer applications wait for the platform owner (the admin index says so)."""
    return OrganizerApplication.objects.pending().count()
