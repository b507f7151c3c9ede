from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"

    def ready(self):
        from events import claim  # noqa: F401  (connects the stars' claim flow)
