"""The claim flow (signing up or in moves this browser's anonymous likes to the account)
and the auto-match of every stored track."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.contrib import messages
from django.db import transaction
from django.dispatch import receiver

from crate import verification
from crate.models import Like
from stages.signals import track_stored


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


@receiver(track_stored, dispatch_uid="crate-auto-match")
def match_stored_track(sender, track, isrc="", created=False, **kwargs):
    # Inside a caller's transaction a savepoint keeps a matching failure from poisoning it.
    # Outside one (the token API, in autocommit) each statement stands alone: a transaction
    # would only add a BEGIN and a COMMIT round trip to every track POST; and the track is
    # committed already, so an unmatched one's link can wait until after the response.
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return verification.identity_json(verification.auto_match(track, isrc, created=created))
    return verification.identity_json(verification.auto_match(track, isrc, created=created, later=True))
