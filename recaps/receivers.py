"""The lobby follows the sets below it through their signals (recaps may not be imported
by stages)."""

from django.dispatch import receiver

from recaps import live, lobby
from stages.signals import set_changed, stage_audience_changed


@receiver(set_changed, dispatch_uid="recaps-lobby-set-changed")
def set_changed_in_lobby(sender, dj_set, **kwargs):
    if lobby.is_public(dj_set):
        live.lobby_changed()


@receiver(stage_audience_changed, dispatch_uid="recaps-lobby-audience")
def stage_audience_in_lobby(sender, stage, **kwargs):
    # The stage's own messages are sent by the caller; the lobby's count follows coalesced.
    if stage.event.is_visible_publicly():
        live.lobby_changed()
    return []
