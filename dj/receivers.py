"""The booth hears of a new track on its likes socket: its "N people liked …" moves on."""

import logging

from django.dispatch import receiver

from crate.live import likes_changed
from stages.signals import set_changed

log = logging.getLogger(__name__)


@receiver(set_changed, dispatch_uid="dj-booth-track-changed")
def booth_follows_the_track(sender, dj_set, **kwargs):
    try:
        likes_changed(dj_set.pk)
    except Exception:
        # The booth catches up with the next heart or its reconnect; the track is stored.
        log.warning("booth: track change not announced (channel layer unreachable)", exc_info=True)
