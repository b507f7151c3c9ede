from django.apps import AppConfig


class DjConfig(AppConfig):
    name = "dj"
    verbose_name = "DJs"
