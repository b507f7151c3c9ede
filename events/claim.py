"""Signing up or in moves this browser's anonymous stars to the account (as likes move)."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver

from events.models import CalendarFeed, Star


@receiver(user_signed_up, dispatch_uid="events-claim-stars-on-signup")
@receiver(user_logged_in, dispatch_uid="events-claim-stars-on-login")
def claim_stars(sender, request, user, **kwargs):
    client_id = getattr(request, "client_id", "")
    claimed = Star.objects.claim(client_id, user)
    if client_id:
        # The browser's calendar address follows its stars to the account.
        CalendarFeed.objects.filter(user__isnull=True, client_id=client_id).update(user=user, client_id="")
    if claimed:
        messages.success(request, f"{claimed} starred slot{'s' if claimed != 1 else ''} moved to your account.")
