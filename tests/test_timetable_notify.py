"""Notify only the concerned, once per release: each affected DJ one email (and one push
when subscribed), each dancer who starred a changed slot one push naming it."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from events.models import Release, Slot, Star
from events.tasks import notify_release
from tests.push_helpers import Subscriber, subscribe
from tests.timetable_helpers import add_slot, at

FRIDAY = date(2026, 5, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.event(weekend_of=FRIDAY)]


def dj_named(name):
    return User.objects.create_user(email=f"{name.lower()}@example.com", password="x", display_name=f"DJ {name}")


def star(slot, client_id="", user=None):
    return Star.objects.create(slot=slot, client_id=client_id if user is None else "", user=user)


def publish(capture, event, **kwargs):
    with capture(execute=True):
        return Release.objects.publish(event, **kwargs)


@pytest.fixture
def starred_slots(event, django_capture_on_commit_callbacks):
    """Version 1: four slots by four DJs (one without an account), starred by dancers."""
    main, blues = event.stages.all()
    djs = {name: dj_named(name) for name in ("Ada", "Ben", "Cleo", "Dee")}
    slots = {
        "ada": add_slot(event, main, at(event, FRIDAY, "20:00"), dj=djs["Ada"], title="Warm-up"),
        "ben": add_slot(event, main, at(event, FRIDAY, "21:30"), dj=djs["Ben"]),
        "cleo": add_slot(event, blues, at(event, FRIDAY, "23:00"), dj=djs["Cleo"], title="Late night blues"),
        "free": add_slot(event, blues, at(event, FRIDAY, "20:00"), dj_name="Guest DJ"),
    }
    publish(django_capture_on_commit_callbacks, event)
    mail.outbox.clear()
    return djs, slots


def change_version_2(event, djs, slots):
    """Cleo's slot moves, Ben's slot goes to Dee, the free-text slot is cancelled; Ada's is untouched."""
    cleo = slots["cleo"]
    Slot.objects.filter(pk=cleo.pk).update(starts_at=at(event, FRIDAY, "23:30"), ends_at=at(event, FRIDAY + timedelta(days=1), "01:00"))
    Slot.objects.filter(pk=slots["ben"].pk).update(dj=djs["Dee"], dj_name="DJ Dee")
    Slot.objects.filter(pk=slots["free"].pk).update(removed_at=at(event, FRIDAY, "12:00"))


def test_the_preview_counts_exactly_the_concerned(event, starred_slots, organizer):
    djs, slots = starred_slots
    for client_id in ("phone-a" * 3, "phone-b" * 3):
        star(slots["cleo"], client_id)
    star(slots["cleo"], user=djs["Ada"])
    star(slots["free"], "phone-a" * 3)  # the same dancer again: counted once
    star(slots["ada"], "phone-c" * 3)  # an unchanged slot: not concerned
    change_version_2(event, djs, slots)
    phone = Client()
    phone.force_login(organizer)
    html = phone.get(f"/organize/{event.slug}/timetable/preview").content.decode()
    # Ben lost a slot, Dee got one, Cleo's moved; the guest DJ has no account to tell.
    assert "Notifies 3 DJs and 3 dancers who starred a changed slot." in html
    assert "DJ Ben → DJ Dee" in html
    assert "Late night blues: Fri 23:00–00:30 Blues Room → Fri 23:30–01:00 Blues Room" in html


def test_each_concerned_dj_gets_one_email_listing_their_slots(event, starred_slots, django_capture_on_commit_callbacks):
    djs, slots = starred_slots
    change_version_2(event, djs, slots)
    release = publish(django_capture_on_commit_callbacks, event, comment="Cleo's flight is late")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["ben@example.com", "cleo@example.com", "dee@example.com"]
    assert "Moved: Late night blues from Fri 23:00 on Blues Room to Fri 23:30 on Blues Room" in by_recipient["cleo@example.com"].body
    assert "Cancelled: Fri 21:30 on Main Floor" in by_recipient["ben@example.com"].body
    assert "New: Fri 21:30–23:00 on Main Floor" in by_recipient["dee@example.com"].body
    assert "Cleo's flight is late" in by_recipient["dee@example.com"].body
    assert by_recipient["dee@example.com"].subject == "Swing Fling: your slots changed (timetable version 2)"
    # The task running again (a retry) tells nobody twice.
    notify_release(release.pk)
    assert len(mail.outbox) == 3


def test_dancers_who_starred_a_changed_slot_get_one_push_naming_it(
    event, starred_slots, push_service, django_capture_on_commit_callbacks
):
    djs, slots = starred_slots
    both = Subscriber(push_service, "both")
    device = subscribe(both, stage=event.stages.first())
    device.client_id = "dancer-both-1234"
    device.save()
    unchanged = Subscriber(push_service, "unchanged")
    device = subscribe(unchanged, stage=event.stages.first())
    device.client_id = "dancer-calm-1234"
    device.save()
    cleo_phone = Subscriber(push_service, "cleo-phone")
    device = subscribe(cleo_phone, stage=event.stages.first())
    device.user = djs["Cleo"]
    device.save()
    star(slots["cleo"], "dancer-both-1234")
    star(slots["free"], "dancer-both-1234")
    star(slots["ada"], "dancer-calm-1234")
    change_version_2(event, djs, slots)
    publish(django_capture_on_commit_callbacks, event)

    assert sorted(push.path for push in push_service.received) == ["/push/both", "/push/cleo-phone"]
    [received] = push_service.pushes_to("both")
    payload = both.decrypt(received)
    assert payload["title"] == "Swing Fling: timetable changed"
    assert payload["body"] == "Guest DJ (Fri 20:00) is cancelled; Late night blues moved to Fri 23:30 on Blues Room"
    assert payload["url"] == f"/e/{event.slug}/timetable"
    [received] = push_service.pushes_to("cleo-phone")
    assert cleo_phone.decrypt(received)["body"] == (
        "Moved: Late night blues from Fri 23:00 on Blues Room to Fri 23:30 on Blues Room"
    )


def test_without_notify_nobody_is_told(event, starred_slots, django_capture_on_commit_callbacks):
    djs, slots = starred_slots
    star(slots["cleo"], "dancer-both-1234")
    change_version_2(event, djs, slots)
    release = publish(django_capture_on_commit_callbacks, event, notify=False)
    notify_release(release.pk)
    assert mail.outbox == []
    assert Release.objects.get(pk=release.pk).notified_at is None
