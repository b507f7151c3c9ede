from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self):
        from events import claim  # noqa: F401  (connects the stars' claim flow)
        from events import live
        from stages import signals

        signals.stage_changed.connect(live.on_stage_changed, dispatch_uid="events.organizer_row")
        signals.stage_audience_changed.connect(live.on_stage_audience_changed, dispatch_uid="events.organizer_count")
