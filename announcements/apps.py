from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "announcements"

    def ready(self):
        from announcements import receivers  # noqa: F401  (connects the timetable's notices)
