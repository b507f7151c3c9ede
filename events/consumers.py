"""The event's live sockets: the dancers' event page and the organizer's live dashboard."""

from events import live
from events.access import event_for_organizer, event_for_public
from pika import live as groups
from pika.consumers import LiveConsumer
from stages.live import render_stage_cards


class EventConsumer(LiveConsumer):
    def find(self, slug):
        event = event_for_public(slug)
        return None if event is None else (groups.event_page_groups(event.pk), groups.event_page_group(event.pk))

    def render(self, slug):
        event = event_for_public(slug)
        if event is None:
            return None
        html = "".join(render_stage_cards(event)) + groups.extra_first_state("event", event=event)
        return groups.event_page_groups(event.pk), html


class OrganizerConsumer(LiveConsumer):
    """Only the event's own (approved) organizer joins."""

    # Who asks decides whether there is anything to show: checked on every connect.
    shared_state = False

    def _event(self, slug):
        user = self.scope.get("user")
        return event_for_organizer(user, slug) if user is not None else None

    def find(self, slug):
        event = self._event(slug)
        return None if event is None else ([groups.organizer_group(event.pk)], None)

    def render(self, slug):
        event = self._event(slug)
        if event is None:
            return None
        return [groups.organizer_group(event.pk)], "".join(
            live.render_organizer_row(stage) for stage in event.stages.select_related("event"))
