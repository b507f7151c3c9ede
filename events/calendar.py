"""Calendar feeds (iCalendar, RFC 5545) made with the `icalendar` library.

Every slot is one VEVENT whose UID is the slot's identity, so a subscribed calendar moves
the event it already has instead of adding a second one; SEQUENCE rises with each change
of time or stage, and a cancelled slot stays a while as STATUS:CANCELLED.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

DOMAIN = "pika"


def uid(row):
    return f"{row.slot.uid}@{DOMAIN}"


def calendar(name, rows):
    """A VCALENDAR with one VEVENT per released row, in each event's own time zone."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Pika!//timetable//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for row in rows:
        event = row.release.event
        tz = event.tzinfo
        vevent = icalendar.Event()
        vevent.add("uid", uid(row))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", row.starts_at.astimezone(tz))
        vevent.add("dtend", row.ends_at.astimezone(tz))
        vevent.add("summary", f"{row.title} · {row.dj_name}" if row.title else row.dj_name)
        vevent.add("location", row.stage_name)
        vevent.add("description", f"{event.name} — {row.stage_name}")
        vevent.add("url", settings.PIKA_BASE_URL + reverse("events:timetable", args=[event.slug]))
        vevent.add("sequence", row.sequence)
        vevent.add("last-modified", row.changed_at)
        vevent.add("status", "CANCELLED" if row.cancelled else "CONFIRMED")
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal.to_ical()


def response(name, rows, etag=None):
    answer = HttpResponse(calendar(name, rows), content_type="text/calendar; charset=utf-8")
    answer["Content-Disposition"] = 'inline; filename="timetable.ics"'
    if etag:
        answer["ETag"] = etag
    answer["Cache-Control"] = "no-cache"
    return answer
