from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"

    def ready(self):
        from announcements import live
        from announcements import receivers  # noqa: F401  (connects the timetable's notices)
        from pika.live import first_state
        from stages.signals import set_started

        first_state.connect(live.banners_on_connect, dispatch_uid="announcements.banners")
        set_started.connect(live.music_started, dispatch_uid="announcements.music_started")
