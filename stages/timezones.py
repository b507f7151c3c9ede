from django.utils import timezone


def shown_tz(event):
    """The time zone a set's times are shown in: its event's, else the server's (a Quick
    Start set belongs to no event). The one place this is decided."""
    return event.tzinfo if event is not None else timezone.get_current_timezone()
