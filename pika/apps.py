from django.apps import AppConfig


class PikaConfig(AppConfig):
    name = "pika"
    verbose_name = "Pika!"
