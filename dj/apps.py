from django.apps import AppConfig


class DjConfig(AppConfig):
    name = "dj"
    verbose_name = "DJs"

    def ready(self):
        from dj import receivers  # noqa: F401  (the booth follows the set's tracks)
