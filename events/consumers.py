"""The organizer's live dashboard socket: only the event's own (approved) organizer joins."""

from stages import live
from stages.consumers import LiveConsumer


class OrganizerConsumer(LiveConsumer):
    # Who asks decides whether there is anything to show: checked on every connect.
    shared_state = False

    def _event(self, slug):
        from events.models import Event

        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_organizer:
            return None
        return Event.objects.filter(slug=slug, organizer=user).first()

    def find(self, slug):
        event = self._event(slug)
        return None if event is None else ([live.organizer_group(event.pk)], None)

    def render(self, slug):
        event = self._event(slug)
        if event is None:
            return None
        return [live.organizer_group(event.pk)], "".join(
            live.render_organizer_row(stage) for stage in event.stages.select_related("event"))
