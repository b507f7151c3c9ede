"""Small builders shared by the likes, journal and claim tests."""

from datetime import date

from django.test import Client

from events.models import Event
from stages.models import DJSet, Stage


def dancer():
    """A phone that opened Pika! once: it holds its anonymous `pika_client` cookie."""
    phone = Client()
    phone.get("/likes/")
    return phone


def played_set(dj, titles=("Ghost", "Leave the Door Open"), dj_name="DJ Nova", stage=None, artist="Artist"):
    """A set with `titles` played in order; returns (dj_set, tracks in play order)."""
    dj_set = DJSet.objects.go_live(dj, dj_name, stage)[0]
    tracks = [dj_set.add_track(artist=artist, title=title)[0] for title in titles]
    return dj_set, tracks


def event_stage(organizer, name="Swing Into Spring", slug="swing-into-spring", stage_name="Main Floor", tz="Europe/Paris"):
    event = Event.objects.create(
        organizer=organizer, name=name, slug=slug, starts_on=date(2026, 3, 13), ends_on=date(2026, 3, 15),
        timezone=tz, status=Event.Status.PUBLISHED,
    )
    return Stage.objects.create(event=event, name=stage_name)


def like_url(track):
    return f"/live/{track.dj_set.code}/tracks/{track.pk}/like"


def like(phone, track, liked="1", **extra):
    return phone.post(like_url(track), {"liked": liked}, **extra)
