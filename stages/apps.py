from django.apps import AppConfig


class StagesConfig(AppConfig):
    name = "stages"

    def ready(self):
        from pika import listeners
        from stages import live

        # A count change on a set's or a stage's page: what to send (pika/listeners.py).
        listeners.on_change("session", live.listener_messages)
        listeners.on_change("stage", live.listener_messages)
