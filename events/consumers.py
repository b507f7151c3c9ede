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
