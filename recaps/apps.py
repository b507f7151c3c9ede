from django.apps import AppConfig


class RecapsConfig(AppConfig):
    name = "recaps"
    verbose_name = "Recaps, the DJ's logbook and the live lobby"

    def ready(self):
        from recaps import receivers  # noqa: F401  (connects the lobby to the sets' changes)
