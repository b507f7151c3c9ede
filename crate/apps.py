from django.apps import AppConfig


class CrateConfig(AppConfig):
    name = "crate"
