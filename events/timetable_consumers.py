"""The timetable's sockets: the public timetable page and a stage's venue screen.

Each joins a group of its own, so a slot boundary reaches only pages that show now/next,
never the stage pages (which would have nowhere to put it).
"""

from events import live_timetable
from events.access import stage_for_screen
from events.models import Event, ReleasedSlot
from stages.consumers import LiveConsumer


class TimetableConsumer(LiveConsumer):
    def load(self, slug):
        event = Event.objects.filter(slug=slug).first()
        if event is None or not event.is_visible_publicly():
            return None
        self.groups = [live_timetable.timetable_group(event.pk)]
        return live_timetable.render_now_next(event, ReleasedSlot.objects.showing_now(event))


class ScreenConsumer(LiveConsumer):
    def load(self, code):
        stage = stage_for_screen(code)
        if stage is None:
            return None
        self.groups = [live_timetable.screen_group(stage.pk)]
        return live_timetable.render_screen(stage, ReleasedSlot.objects.showing_now(stage.event))
