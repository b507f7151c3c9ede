"""What the organizer's live dashboard sees: one row per stage, rendered once per change.

The stages app tells this one through its signals (it must not import events); the
event page's stage cards are the stages app's own fragment, sent to the event's group.
"""

from django.template.loader import render_to_string

from pika.live import organizer_group, send
from stages.live import audience, stage_card


def organizer_row(stage, card=None):
    """What the organizer's live dashboard shows for one stage; `card` is what the room
    shows (stages.live.stage_card) when the caller knows it."""
    card = card or stage_card(stage)
    dj_set = card["dj_set"]
    return {
        "stage": stage,
        "dj_set": dj_set,
        "track": card["track"],
        "listeners": audience(dj_set, stage),
        "tz": stage.event.tzinfo,
    }


def organizer_rows(event):
    return [organizer_row(stage) for stage in event.stages.select_related("event")]


def render_organizer_row(stage, card=None):
    return render_to_string("events/live_dashboard.html#stage-row", {"row": organizer_row(stage, card)})


def on_stage_changed(sender, stage, card=None, **kwargs):
    send(organizer_group(stage.event_id), render_organizer_row(stage, card))


def on_stage_audience_changed(sender, stage, **kwargs):
    return [(organizer_group(stage.event_id), render_organizer_row(stage))]
