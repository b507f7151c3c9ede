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

from django.dispatch import Signal

from pika import live_state


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


def set_page_groups(dj_set_id):
    return [set_group(dj_set_id)]


def stage_page_groups(stage_id, event_id):
    return [stage_group(stage_id), event_group(event_id)]


def event_page_groups(event_id):
    return [event_group(event_id)]


def page_versions(groups):
    """What a page rendered now shows, for its socket to ask with (`?v=`): read before
    rendering, so the page holds at least those versions (pika/live_state.py)."""
    versions = live_state.current_versions(groups)
    return live_state.format_versions(versions) if versions else ""


def send(group, html):
    """Hand one rendered change to every open page in `group`, stamped with the group's
    next version (pika/live_state.py)."""
    live_state.send(group, html)


def send_pair(group, html, wider_group, wider_html):
    """One change for two groups where the first one's pages are also in the second (a
    stage's pages are in its event's group): they get `html` alone, which holds
    `wider_html`, and every other page of `wider_group` gets `wider_html`."""
    live_state.send_pair(group, html, wider_group, wider_html)


# A live page is connecting. Sent with sender = the page kind ("set", "stage" or "event")
# and the page's object (dj_set=, stage= or event=); each receiver returns the HTML it
# adds to the page's first state (announcements add their banners). A lower app's
# consumer thus shows a higher app's piece without importing it.
first_state = Signal()


def extra_first_state(kind, **objects):
    return "".join(html for _, html in first_state.send(sender=kind, **objects) if html)
