"""What open pages see of announcements: banners, rendered once and sent to the groups.

A new announcement travels as `<div id="announcement-items" hx-swap-oob="afterbegin">`: htmx's
WebSocket extension puts the banner at the top of the page's `#announcements` section.
Every page that joins an event or set group has that section (stage, event and
set pages, the DJ dashboard), so no page is ever sent a target it lacks. A page that
connects or reconnects gets the whole section with its current state.
"""

from django.template.loader import render_to_string
from django_q.tasks import async_task

from announcements.models import Announcement, PushDevice
from pika import listeners
from pika.live import event_group, event_page_group, send, set_group, stage_group
from stages.timezones import shown_tz

TEMPLATE = "announcements/banners.html"
# The event page keeps the history; stage and set pages show what is recent.
EVENT_LIST_LIMIT = 50
BANNER_LIMIT = 3


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
        "tz": shown_tz(event) if event is not None else dj_set.tz,
    }


def render_banners(*, event=None, dj_set=None, as_list=False):
    """The whole `#announcements` section: a page's first render and its connect state."""
    return render_to_string(TEMPLATE + "#banners", banners_context(event=event, dj_set=dj_set, as_list=as_list))


def render_arrival(announcement):
    """One new banner, to be put at the top of every open page's section."""
    event = announcement.event if announcement.event_id else None
    return render_to_string(TEMPLATE + "#arrival", {"announcement": announcement, "tz": shown_tz(event)})


def broadcast(announcement_id):
    """Show a just-sent announcement on every open page of its event or set."""
    announcement = Announcement.objects.select_related("event", "dj_set").get(pk=announcement_id)
    if announcement.event_id:
        group = event_group(announcement.event_id)
    else:
        group = set_group(announcement.dj_set_id)
    send(group, render_arrival(announcement))


def reach(*, event=None, dj_set=None):
    """Who an announcement would reach now: open pages, and devices with notifications on."""
    if event is not None:
        groups = [stage_group(pk) for pk in event.stages.values_list("pk", flat=True)]
        groups.append(event_page_group(event.pk))
        devices = PushDevice.objects.for_event(event)
    else:
        groups = [set_group(dj_set.pk)]
        devices = PushDevice.objects.for_set(dj_set)
    return {"pages": listeners.total(list(groups)), "devices": devices.count()}


def banners_on_connect(sender, dj_set=None, stage=None, event=None, **kwargs):
    """A live page's first state carries its banners (pika.live.first_state)."""
    if sender == "set":
        return render_banners(dj_set=dj_set)
    if sender == "stage":
        return render_banners(event=stage.event)
    if sender == "event":
        return render_banners(event=event, as_list=True)
    return ""


def music_started(sender, dj_set_id, **kwargs):
    """A set just went live on a stage: the stage's push subscribers hear "DJ X is now
    live on Main Floor", from the task cluster."""
    async_task("announcements.tasks.music_started", dj_set_id)
