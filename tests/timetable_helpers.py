"""Timetable factories shared by the timetable tests: slots typed in the event's wall-clock time."""

from datetime import datetime, timedelta

from events.models import Slot


def at(event, day, hhmm):
    """An aware datetime for a wall-clock time on `day` (a date) in the event's time zone."""
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=event.tzinfo)


def add_slot(event, stage, starts_at, hours=1.5, dj=None, dj_name="", title=""):
    return Slot.objects.create(
        event=event, stage=stage, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
        dj=dj, dj_name=dj_name or (dj.public_name if dj else "DJ Someone"), title=title,
    )


def slot_form(stage, starts, ends, dj, title="", **extra):
    """The POST body of the slot form (times as the datetime-local inputs send them)."""
    return {"stage": stage.code, "starts_at": starts, "ends_at": ends, "dj": dj, "title": title, **extra}
