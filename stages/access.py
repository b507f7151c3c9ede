"""One rule per object type: the set or stage this person may see or drive, or None.

Pages wrap these in pika.access.or_404, the API answers a JSON 404, sockets close 4404.
"""

from typing import NamedTuple

from stages.models import DJSet, Stage


def set_for_public(code):
    """A set's page is public: anyone with its code (from its QR) follows it."""
    return DJSet.objects.select_related("stage__event").filter(code=code).first()


def set_for_dj(user, code=None, *, pk=None):
    """The DJ's own set, by its code (pages, sockets) or its id (the token API); None for
    anyone else's, so nobody learns whether another DJ's set exists."""
    if not user.is_authenticated:
        return None
    lookup = {"pk": pk} if pk is not None else {"code": code}
    return DJSet.objects.select_related("stage__event").filter(dj=user, **lookup).first()


def stage_for_visitor(user, code):
    """A stage page is public once its event is published; before, only its organizer sees it."""
    stage = Stage.objects.select_related("event").filter(code=code).first()
    return stage if stage is not None and stage.event.is_visible_to(user) else None


class DriveRefusal(NamedTuple):
    """Why a DJ may not go live on a stage, as the API answers it (the dashboard shows the message)."""

    status: int
    code: str
    message: str


def stage_to_drive(user, code):
    """(stage, None) when this DJ may go live on the stage with this code, else (None, a
    DriveRefusal): the one rule the dashboard and the token API both apply. The event's
    organizer decides who may (events.Event.drive_refusal)."""
    stage = Stage.objects.select_related("event").filter(code=code).first()
    if stage is None:
        return None, DriveRefusal(404, "stage_not_found", "No stage has that code.")
    if not stage.event.is_visible_publicly():
        return None, DriveRefusal(409, "stage_unavailable", "That stage's event is not published.")
    if why := stage.event.drive_refusal(user):
        return None, DriveRefusal(403, "stage_not_allowed", why)
    return stage, None


def stage_for_public(code):
    """A stage of a published event: what sockets and the public API may show."""
    stage = Stage.objects.select_related("event").filter(code=code).first()
    return stage if stage is not None and stage.event.is_visible_publicly() else None
