"""The claim flow: signing up or in moves this browser's anonymous likes to the account."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.dispatch import receiver

from crate.models import Like


@receiver(user_signed_up, dispatch_uid="crate-claim-on-signup")
@receiver(user_logged_in, dispatch_uid="crate-claim-on-login")
def claim_likes(sender, request, user, **kwargs):
    # Sign-up also logs in: the second signal finds nothing left to claim and says nothing.
    moved, merged = Like.objects.claim(getattr(request, "client_id", ""), user)
    claimed = moved + merged
    if claimed:
        text = f"{claimed} liked song{'s' if claimed != 1 else ''} transferred to your account"
        if merged:
            text += f" ({merged} {'was' if merged == 1 else 'were'} already there)"
        messages.success(request, text + ".")
