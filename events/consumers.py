"""The organizer's live dashboard socket: only the event's own (approved) organizer joins."""

from stages import live
from stages.consumers import LiveConsumer


class OrganizerConsumer(LiveConsumer):
    def load(self, slug):
        from events.models import Event

        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_organizer:
            return None
        event = Event.objects.filter(slug=slug, organizer=user).first()
        if event is None:
            return None
        self.groups = [live.organizer_group(event.pk)]
        return "".join(live.render_organizer_row(stage) for stage in event.stages.select_related("event"))
