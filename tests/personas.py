"""Who is in the room, and what they bring: the one place tests build people and things.

The conftest.py fixtures hand out one of each persona:

    dancer           a phone that opened Pika! once (anonymous, with its `pika_client` cookie)
    anonymous        a browser that never did (no cookie, not signed in)
    dj, other_dj     two DJs with accounts (DJ Nova, DJ Other)
    organizer        an approved organizer (Org); other_organizer another one (Paris)
    owner            the platform owner (Django admin, superuser)
    event            the organizer's published event today: Main Floor and Blues Room
    weekend          two published events of two organizers: Swing Into Spring (Main Floor,
                     Blues Room) and Paris Swing (Ballroom)

Tests that need more of something call the factories below directly.
"""

from datetime import date

from django.test import Client

from accounts.models import OrganizerApplication, User
from events.models import Event
from stages.models import DJSet, Stage

PASSWORD = "dance-all-night"


def make_dj(email="dj@example.com", name="DJ Nova", verified=True):
    """A DJ account; its e-mail confirmed unless `verified=False` (a fresh open sign-up)."""
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=name)
    if verified:
        user.mark_email_verified()
    return user


def make_organizer(email, name="Organizer"):
    user = User.objects.create_user(email=email, password="organize-all-night", display_name=name)
    OrganizerApplication.objects.create(
        user=user, name=name, community=f"{name}'s weekend", status=OrganizerApplication.Status.APPROVED,
    )
    return user


def make_owner():
    """The platform owner: approves organizers and disables accounts in the Django admin."""
    return User.objects.create_superuser(email="owner@pika.example", password="owner-password-1")


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


def event_stage(organizer, name="Swing Into Spring", slug="swing-into-spring", stage_name="Main Floor", tz="Europe/Paris"):
    """One published event in March 2026 with one stage; returns the stage."""
    event = Event.objects.create(
        organizer=organizer, name=name, slug=slug, starts_on=date(2026, 3, 13), ends_on=date(2026, 3, 15),
        timezone=tz, status=Event.Status.PUBLISHED,
    )
    return Stage.objects.create(event=event, name=stage_name)


class Weekend:
    """Two published events of two organizers, as the `weekend` fixture hands them out."""

    def __init__(self, organizer, other_organizer):
        def event(name, slug, organizer):
            return Event.objects.create(
                organizer=organizer, name=name, slug=slug, starts_on=date(2026, 3, 13),
                ends_on=date(2026, 3, 15), timezone="Europe/Paris", status=Event.Status.PUBLISHED,
            )

        self.event = event("Swing Into Spring", "swing-into-spring", organizer)
        self.other_event = event("Paris Swing", "paris-swing", other_organizer)
        self.main = Stage.objects.create(event=self.event, name="Main Floor", position=0)
        self.blues = Stage.objects.create(event=self.event, name="Blues Room", position=1)
        self.ballroom = Stage.objects.create(event=self.other_event, name="Ballroom", position=0)


def dancer_phone():
    """A phone that opened Pika! once: it holds its anonymous `pika_client` cookie."""
    phone = Client()
    phone.get("/likes/")
    return phone


def played_set(dj, titles=("Ghost", "Leave the Door Open"), dj_name="DJ Nova", stage=None, artist="Artist"):
    """A set with `titles` played in order; returns (dj_set, tracks in play order)."""
    dj_set = DJSet.objects.go_live(dj, dj_name, stage)[0]
    tracks = [dj_set.add_track(artist=artist, title=title)[0] for title in titles]
    return dj_set, tracks
