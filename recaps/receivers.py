"""The lobby follows the sets below it through their signals (recaps may not be imported
by stages). Receivers never raise: the set's own pages were already told."""

import logging

from django.dispatch import receiver

from recaps import live, lobby
from stages.signals import set_audience_changed, set_changed, stage_audience_changed

log = logging.getLogger(__name__)


@receiver(set_changed, dispatch_uid="recaps-lobby-set-changed")
def set_changed_in_lobby(sender, dj_set, **kwargs):
    try:
        public = lobby.is_public(dj_set)
    except Exception:
        log.warning("lobby: cannot tell whether set %s is public; not announced", dj_set.pk, exc_info=True)
        return
    if public:
        live.lobby_changed()


@receiver(stage_audience_changed, dispatch_uid="recaps-lobby-audience")
def stage_audience_in_lobby(sender, stage, **kwargs):
    # The stage's own count messages are the caller's; the lobby's count follows, coalesced.
    if stage.event.is_visible_publicly():
        live.lobby_changed()
    return []


@receiver(set_audience_changed, dispatch_uid="recaps-lobby-set-audience")
def set_audience_in_lobby(sender, dj_set, **kwargs):
    # A listed Quick Start set's count, the same way (one query: is it listed?).
    set_changed_in_lobby(sender, dj_set)
    return []
