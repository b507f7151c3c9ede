"""The event's live sockets: the dancers' event page and the organizer's live dashboard."""

from events import live
from events.access import event_for_organizer, event_for_public
from pika import live as groups
from pika.consumers import LiveConsumer
from stages.live import render_stage_card


class EventConsumer(LiveConsumer):
    def load(self, slug):
        event = event_for_public(slug)
        if event is None:
            return None
        self.groups = [groups.event_group(event.pk)]
        self.counted_group = groups.event_page_group(event.pk)
        cards = "".join(render_stage_card(stage) for stage in event.stages.select_related("event"))
        return cards + groups.extra_first_state("event", event=event)


class OrganizerConsumer(LiveConsumer):
    """Only the event's own (approved) organizer joins."""

    def load(self, slug):
        user = self.scope.get("user")
        event = event_for_organizer(user, slug) if user is not None else None
        if event is None:
            return None
        self.groups = [groups.organizer_group(event.pk)]
        return "".join(live.render_organizer_row(stage) for stage in event.stages.select_related("event"))
