"""Helpers shared by the organizer tests: approved organizers and ready-made events."""

from datetime import date

from accounts.models import OrganizerApplication, User
from events.models import Event
from stages.models import Stage


def make_organizer(email, name="Organizer"):
    user = User.objects.create_user(email=email, password="organize-all-night", display_name=name)
    OrganizerApplication.objects.create(
        user=user, name=name, community=f"{name}'s weekend", status=OrganizerApplication.Status.APPROVED,
    )
    return user


def make_event(organizer, name="Swing Fling", slug="swing-fling", status=Event.Status.DRAFT,
               stages=("Main Floor", "Blues Room"), timezone="Europe/Paris", starts_on=None, ends_on=None):
    today = date.today()
    event = Event.objects.create(
        organizer=organizer, name=name, slug=slug, status=status, timezone=timezone,
        starts_on=starts_on or today, ends_on=ends_on or today,
    )
    for position, stage_name in enumerate(stages):
        Stage.objects.create(event=event, name=stage_name, position=position)
    return event


def event_form(name="Swing Fling", slug="", starts_on="2026-05-01", ends_on="2026-05-03",
               timezone="Europe/Paris", description="", stages=(), initial=0, token="", **extra):
    """The POST body of the event form, stage rows included (each a dict)."""
    data = {
        "name": name, "slug": slug, "description": description, "starts_on": starts_on,
        "ends_on": ends_on, "timezone": timezone,
        "stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(initial),
        "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(stages):
        for field in ("id", "name", "description", "capacity"):
            data[f"stages-{index}-{field}"] = row.get(field, "")
        if row.get("DELETE"):
            data[f"stages-{index}-DELETE"] = "on"
    if token:
        data["submit_token"] = token
    data.update(extra)
    return data
