"""What open pages see of announcements: banners, rendered once and sent to the groups.

A new announcement travels as `<div id="announcement-items" hx-swap-oob="afterbegin">`: htmx's
WebSocket extension puts the banner at the top of the page's `#announcements` section.
Every page that joins an event or set group has that section (stage, event and
set pages, the DJ dashboard), so no page is ever sent a target it lacks. A page that
connects or reconnects gets the whole section with its current state.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from announcements.models import Announcement
from stages import live

TEMPLATE = "announcements/banners.html"
# The event page keeps the history; stage and set pages show what is recent.
EVENT_LIST_LIMIT = 50
BANNER_LIMIT = 3


def event_page_group(event_id):
    """Counts open event pages (for the reach preview); nobody listens on it."""
    return f"eventpage.{event_id}"


def _tz(event):
    return event.tzinfo if event is not None else timezone.get_current_timezone()


def banners_context(*, event=None, dj_set=None, as_list=False):
    queryset = Announcement.objects.select_related("event", "dj_set")
    if event is not None:
        queryset = queryset.for_event(event)
        limit = EVENT_LIST_LIMIT if as_list else BANNER_LIMIT
    else:
        queryset = queryset.for_set(dj_set)
        limit = BANNER_LIMIT
    if not as_list:
        queryset = queryset.recent()
    return {
        "announcements": list(queryset[:limit]),
        "as_list": as_list,
        "tz": _tz(event if event is not None else (dj_set.stage.event if dj_set and dj_set.stage else None)),
    }


def render_banners(*, event=None, dj_set=None, as_list=False):
    """The whole `#announcements` section: a page's first render and its connect state."""
    return render_to_string(TEMPLATE + "#banners", banners_context(event=event, dj_set=dj_set, as_list=as_list))


def render_arrival(announcement):
    """One new banner, to be put at the top of every open page's section."""
    event = announcement.event if announcement.event_id else None
    return render_to_string(TEMPLATE + "#arrival", {"announcement": announcement, "tz": _tz(event)})


def broadcast(announcement_id):
    """Show a just-sent announcement on every open page of its event or set."""
    announcement = Announcement.objects.select_related("event", "dj_set").get(pk=announcement_id)
    if announcement.event_id:
        group = live.event_group(announcement.event_id)
    else:
        group = live.set_group(announcement.dj_set_id)
    live.send(group, render_arrival(announcement))


def reach(*, event=None, dj_set=None):
    """Who an announcement would reach now: open pages, and devices with notifications on."""
    from announcements.models import PushDevice
    from stages import listeners

    if event is not None:
        groups = [live.stage_group(pk) for pk in event.stages.values_list("pk", flat=True)]
        groups.append(event_page_group(event.pk))
        devices = PushDevice.objects.for_event(event)
    else:
        groups = [live.set_group(dj_set.pk)]
        devices = PushDevice.objects.for_set(dj_set)
    return {"pages": sum(listeners.count(group) for group in groups), "devices": devices.count()}
