"""What the timetable tells higher apps (announcements delivers pushes): events never
imports them, they listen here."""

from django.dispatch import Signal

# A release was committed: release_id. Listeners update open pages and notify people.
released = Signal()

# Tell some people something personal (a timetable change, a reminder): event, user_ids,
# client_ids, title, body, url, tag, ttl (seconds). announcements pushes it to their devices.
notice = Signal()
