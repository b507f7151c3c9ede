"""The event's live sockets: the dancers' event page, the organizer's live dashboard, the
timetable page and each stage's venue screen.

The timetable and the screens join groups of their own, so a slot boundary reaches only
pages that show now/next, never the stage pages (which would have nowhere to put it).
"""

from events import live, live_timetable
from events.access import stage_for_screen
from events.models import Event, ReleasedSlot
from pika import live as groups
from pika.consumers import LiveConsumer
from stages.live import render_stage_card


class EventConsumer(LiveConsumer):
    def load(self, slug):
        event = Event.objects.filter(slug=slug).first()
        if event is None or not event.is_visible_publicly():
            return None
        self.groups = [groups.event_group(event.pk)]
        self.counted_group = groups.event_page_group(event.pk)
        cards = "".join(render_stage_card(stage) for stage in event.stages.select_related("event"))
        return cards + groups.extra_first_state("event", event=event)


class OrganizerConsumer(LiveConsumer):
    """Only the event's own (approved) organizer joins."""

    def load(self, slug):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_organizer:
            return None
        event = Event.objects.filter(slug=slug, organizer=user).first()
        if event is None:
            return None
        self.groups = [groups.organizer_group(event.pk)]
        return "".join(live.render_organizer_row(stage) for stage in event.stages.select_related("event"))


class TimetableConsumer(LiveConsumer):
    def load(self, slug):
        event = Event.objects.filter(slug=slug).first()
        if event is None or not event.is_visible_publicly():
            return None
        self.groups = [groups.timetable_group(event.pk)]
        return live_timetable.render_now_next(event, ReleasedSlot.objects.showing_now(event))


class ScreenConsumer(LiveConsumer):
    def load(self, code):
        stage = stage_for_screen(code)
        if stage is None:
            return None
        self.groups = [groups.screen_group(stage.pk)]
        return live_timetable.render_screen(stage, ReleasedSlot.objects.showing_now(stage.event))
