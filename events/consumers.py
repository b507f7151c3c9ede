"""The event's live sockets: the dancers' event page, the organizer's live dashboard, the
timetable page and each stage's venue screen.

The timetable and the screens join groups of their own, so a slot boundary reaches only
pages that show now/next, never the stage pages (which would have nowhere to put it).
"""

from events import live, live_timetable
from events.access import event_for_organizer, event_for_public
from events.models import ReleasedSlot
from pika import live as groups
from pika.consumers import LiveConsumer
from stages.access import stage_for_public
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


class TimetableConsumer(LiveConsumer):
    # Now/next depends on the clock as well as on the release: rendered per connect.
    shared_state = False

    def find(self, slug):
        event = event_for_public(slug)
        return None if event is None else ([groups.timetable_group(event.pk)], None)

    def render(self, slug):
        event = event_for_public(slug)
        if event is None:
            return None
        return [groups.timetable_group(event.pk)], live_timetable.render_now_next(
            event, ReleasedSlot.objects.showing_now(event))

    def load(self, slug):
        # The base class's entry point until it asks for find/render (the live versions work).
        found = self.render(slug)
        if found is None:
            return None
        self.groups, html = found
        return html


class ScreenConsumer(LiveConsumer):
    shared_state = False

    def find(self, code):
        stage = stage_for_public(code)
        return None if stage is None else ([groups.screen_group(stage.pk)], None)

    def render(self, code):
        stage = stage_for_public(code)
        if stage is None:
            return None
        return [groups.screen_group(stage.pk)], live_timetable.render_screen(
            stage, ReleasedSlot.objects.showing_now(stage.event))

    def load(self, code):
        # As TimetableConsumer.load.
        found = self.render(code)
        if found is None:
            return None
        self.groups, html = found
        return html
