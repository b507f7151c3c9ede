"""The live plumbing every app shares: group names, sending a fragment, first-state hooks.

Group names are the address book of live pages, so every app can reach a page without
importing the app that renders it:

    session.<id>    a set's page (and the DJ's dashboard while the set is live)
    stage.<id>      a stage's page
    event.<id>      every stage card of an event: its event page and its stage pages
    organize.<id>   the organizer's live dashboard of an event
    eventpage.<id>  counts open event pages; nobody listens on it
    timetable.<id>  an event's timetable page: now/next and "version N is out"
    screen.<id>     a stage's venue screen (/screen/<code>): now and up next
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import Signal


def set_group(dj_set_id):
    return f"session.{dj_set_id}"


def stage_group(stage_id):
    return f"stage.{stage_id}"


def event_group(event_id):
    return f"event.{event_id}"


def organizer_group(event_id):
    return f"organize.{event_id}"


def event_page_group(event_id):
    return f"eventpage.{event_id}"


def timetable_group(event_id):
    return f"timetable.{event_id}"


def screen_group(stage_id):
    return f"screen.{stage_id}"


def send(group, html):
    async_to_sync(get_channel_layer().group_send)(group, {"type": "live.html", "html": html})


# A live page is connecting. Sent with sender = the page kind ("set", "stage" or "event")
# and the page's object (dj_set=, stage= or event=); each receiver returns the HTML it
# adds to the page's first state (announcements add their banners). A lower app's
# consumer thus shows a higher app's piece without importing it.
first_state = Signal()


def extra_first_state(kind, **objects):
    return "".join(html for _, html in first_state.send(sender=kind, **objects) if html)
