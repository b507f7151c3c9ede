"""The claim flow: signing up or in moves this browser's votes, thank-yous and poll
answers to the account, so one per dancer holds across their devices."""

from allauth.account.signals import user_logged_in, user_signed_up
from django.db import transaction
from django.dispatch import receiver

from crowd import live
from crowd.models import PollAnswer, TempoVote, ThankYou


@receiver(user_signed_up, dispatch_uid="crowd-claim-on-signup")
@receiver(user_logged_in, dispatch_uid="crowd-claim-on-login")
def claim_crowd(sender, request, user, **kwargs):
    client_id = getattr(request, "client_id", "")
    for model, kind in ((TempoVote, "tempo"), (ThankYou, "thanks"), (PollAnswer, "poll")):
        # A merge lowers a count by one: the DJ's panel hears of it.
        for dj_set_id in model.objects.claim(client_id, user):
            transaction.on_commit(lambda sid=dj_set_id, k=kind: live.crowd_changed(sid, k), robust=True)
