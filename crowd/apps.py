from django.apps import AppConfig


class CrowdConfig(AppConfig):
    name = "crowd"

    def ready(self):
        from crowd import receivers  # noqa: F401  (first state on connect, the claim flow)
