"""Reminders: 10 minutes before the current start of each starred slot, once per (star,
start); a moved slot re-arms, a cancelled slot or a removed star sends nothing; DST-safe."""

from datetime import date, datetime, timedelta, timezone as dt_timezone

import pytest
from django.test import Client
from django_q.models import Schedule

from events.models import Release, Reminder, Slot, Star
from events.tasks import timetable_tick
from tests.push_helpers import Subscriber, subscribe
from tests.timetable_helpers import add_slot, at, slot_form

# Budapest's clocks go forward at 02:00 on Sunday 29 March 2026 (the last weekend of March).
pytestmark = [pytest.mark.django_db, pytest.mark.event(weekend_of=date(2026, 3, 27), timezone="Europe/Budapest")]

UTC = dt_timezone.utc


def dancer_device(push_service, stage, client_id, name):
    phone = Subscriber(push_service, name)
    device = subscribe(phone, stage=stage)
    device.client_id = client_id
    device.save()
    return phone


def publish(capture, event):
    with capture(execute=True):
        return Release.objects.publish(event, notify=False)


def test_the_reminder_runs_every_minute_from_the_task_cluster():
    schedule = Schedule.objects.get(name="Timetable: reminders and now/next")
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "events.tasks.timetable_tick", "I", 1, -1,
    )


def test_a_reminder_goes_once_ten_minutes_before_and_a_moved_slot_re_arms(
    event, push_service, django_capture_on_commit_callbacks
):
    main = event.stages.first()
    slot = add_slot(event, main, at(event, date(2026, 3, 27), "22:00"), dj_name="DJ Ada", title="Warm-up")
    publish(django_capture_on_commit_callbacks, event)
    phone = dancer_device(push_service, main, "dancer-1234567890", "phone")
    star = Star.objects.create(slot=slot, client_id="dancer-1234567890")
    start = slot.starts_at

    with django_capture_on_commit_callbacks(execute=True):
        assert Reminder.objects.send_due(start - timedelta(minutes=11)) == 0  # too early
        assert Reminder.objects.send_due(start - timedelta(minutes=10)) == 1
        assert Reminder.objects.send_due(start - timedelta(minutes=9)) == 0  # once
    [received] = push_service.received
    assert phone.decrypt(received)["body"] == "Warm-up starts at 22:00 on Main Floor with DJ Ada"
    assert phone.decrypt(received)["title"] == "In 10 min · Main Floor"

    # Moved half an hour later: the reminder re-arms for the new start, and only then fires.
    Slot.objects.filter(pk=slot.pk).update(starts_at=start + timedelta(minutes=30), ends_at=start + timedelta(hours=2))
    publish(django_capture_on_commit_callbacks, event)
    with django_capture_on_commit_callbacks(execute=True):
        assert Reminder.objects.send_due(start - timedelta(minutes=5)) == 0
        assert Reminder.objects.send_due(start + timedelta(minutes=25)) == 1
    assert len(push_service.received) == 2
    assert phone.decrypt(push_service.received[1])["body"] == "Warm-up starts at 22:30 on Main Floor with DJ Ada"
    assert sorted(Reminder.objects.filter(star=star).values_list("starts_at", flat=True)) == [
        start, start + timedelta(minutes=30),
    ]


def test_a_cancelled_slot_or_a_removed_star_sends_nothing(event, django_capture_on_commit_callbacks):
    main, blues = event.stages.all()
    cancelled = add_slot(event, main, at(event, date(2026, 3, 27), "22:00"))
    unstarred = add_slot(event, blues, at(event, date(2026, 3, 27), "22:00"))
    publish(django_capture_on_commit_callbacks, event)
    Star.objects.create(slot=cancelled, client_id="dancer-1234567890")
    Star.objects.create(slot=unstarred, client_id="dancer-1234567890").delete()
    Slot.objects.filter(pk=cancelled.pk).update(removed_at=cancelled.starts_at - timedelta(hours=3))
    publish(django_capture_on_commit_callbacks, event)
    assert Reminder.objects.send_due(cancelled.starts_at - timedelta(minutes=5)) == 0
    assert Reminder.objects.count() == 0


def test_reminders_follow_the_clock_change_in_budapest(event, django_capture_on_commit_callbacks):
    """A 03:30 slot on the night the clocks go forward starts at 01:30 UTC, not 02:30."""
    main = event.stages.first()
    organizer = event.organizer
    phone = Client()
    phone.force_login(organizer)
    response = phone.post(f"/organize/{event.slug}/timetable/", slot_form(main, "2026-03-29T03:30", "2026-03-29T05:00", "DJ Dawn"))
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert slot.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert slot.ends_at - slot.starts_at == timedelta(minutes=90)
    # 02:30 does not exist that night: refused with a reason, the typed values kept.
    response = phone.post(f"/organize/{event.slug}/timetable/", slot_form(main, "2026-03-29T02:30", "2026-03-29T04:00", "DJ Gap"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "02:30 does not exist on Sun 29 Mar in Europe/Budapest" in html
    assert 'value="DJ Gap"' in html
    publish(django_capture_on_commit_callbacks, event)
    Star.objects.create(slot=slot, client_id="dancer-1234567890")
    # 01:19 UTC is 02:19 CET, eleven minutes before; 01:20 UTC is ten minutes before.
    assert Reminder.objects.send_due(datetime(2026, 3, 29, 1, 19, tzinfo=UTC)) == 0
    assert Reminder.objects.send_due(datetime(2026, 3, 29, 1, 20, tzinfo=UTC)) == 1
    # A Friday 22:00 slot copied to Sunday keeps its wall-clock time across the change.
    friday = add_slot(event, main, at(event, date(2026, 3, 27), "22:00"))
    assert Slot.objects.copy_night(event, date(2026, 3, 27), date(2026, 3, 29)) == 1
    copy = Slot.objects.exclude(pk__in=[slot.pk, friday.pk]).get()
    assert copy.starts_at.astimezone(event.tzinfo).strftime("%a %H:%M %Z") == "Sun 22:00 CEST"
    assert copy.starts_at - friday.starts_at == timedelta(hours=47)


def test_the_minute_task_sends_the_due_reminders(event, django_capture_on_commit_callbacks):
    from django.utils import timezone

    main = event.stages.first()
    soon = timezone.now() + timedelta(minutes=5)
    Event = type(event)
    Event.objects.filter(pk=event.pk).update(starts_on=soon.date() - timedelta(days=1), ends_on=soon.date() + timedelta(days=1))
    event.refresh_from_db()
    slot = add_slot(event, main, soon)
    publish(django_capture_on_commit_callbacks, event)
    Star.objects.create(slot=slot, client_id="dancer-1234567890")
    assert timetable_tick()[0] == 1
    assert timetable_tick()[0] == 0


def test_everyone_who_starred_a_slot_is_reminded_by_one_push_message(event, push_service, django_capture_on_commit_callbacks):
    from announcements.models import PushMessage

    main = event.stages.first()
    slot = add_slot(event, main, at(event, date(2026, 3, 27), "22:00"), dj_name="DJ Ada")
    publish(django_capture_on_commit_callbacks, event)
    phones = [dancer_device(push_service, main, f"dancer-{n}-1234567890", f"phone-{n}") for n in range(3)]
    for n in range(3):
        Star.objects.create(slot=slot, client_id=f"dancer-{n}-1234567890")
    with django_capture_on_commit_callbacks(execute=True):
        assert Reminder.objects.send_due(slot.starts_at - timedelta(minutes=10)) == 3
    assert sorted(push.path for push in push_service.received) == ["/push/phone-0", "/push/phone-1", "/push/phone-2"]
    assert {phone.decrypt(push_service.pushes_to(phone.name)[0])["body"] for phone in phones} == {
        "DJ Ada starts at 22:00 on Main Floor",
    }
    message = PushMessage.objects.get()
    assert (message.recipients, message.delivered) == (3, 3)
