from django.utils import timezone


def shown_tz(event):
    """The time zone a set's times are shown in: its event's, else the viewer's (a Quick
    Start set belongs to no event; the active zone is the browser's, see
    pika.middleware.viewer_timezone_middleware), never the server's. The one place this is decided."""
    return event.tzinfo if event is not None else timezone.get_current_timezone()
