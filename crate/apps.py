from django.apps import AppConfig


class CrateConfig(AppConfig):
    name = "crate"

    def ready(self):
        from crate import signals  # noqa: F401  (connects the claim flow)
