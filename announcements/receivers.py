"""Pushes that lower apps ask for through signals (they never import announcements)."""

from django.dispatch import receiver

from announcements.models import PushMessage
from events.signals import notice


@receiver(notice, dispatch_uid="announcements-personal-notice")
def push_notice(sender, event, user_ids, client_ids, title, body, url, tag, ttl, **kwargs):
    """A timetable change or a reminder for some people: one push to each of their devices."""
    PushMessage.objects.to_people(
        event=event, user_ids=user_ids, client_ids=client_ids, title=title, body=body, url=url, tag=tag, ttl=ttl,
    )
