"""`manage.py pika_demo` seeds the demo weekend's timetable: slots in both rooms over the
demo's nights, one of them on now, published; running it again keeps one on now."""

import json
from datetime import timedelta

import icalendar
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from events.models import Event, Release, ReleasedSlot, Slot

pytestmark = pytest.mark.django_db


def seed(capsys):
    call_command("pika_demo", "--json")
    return json.loads(capsys.readouterr().out)


def test_the_demo_weekend_has_a_published_timetable_with_a_slot_on_now(capsys):
    demo = seed(capsys)
    event = Event.objects.get(slug=demo["event"])
    rows = list(ReleasedSlot.objects.current().showing().filter(release__event=event))
    assert {row.stage.code for row in rows} == set(demo["stages"])
    nights = {(row.starts_at.astimezone(event.tzinfo) - timedelta(hours=6)).date() for row in rows}
    assert nights >= {event.starts_on + timedelta(days=n) for n in range(3)}
    moment = timezone.now()
    # On the Main Floor (in the evening the other rooms' seeded slots are on now too).
    [on_now] = [row for row in rows if row.stage.code == demo["stages"][0] and row.starts_at <= moment < row.ends_at]
    # The simulated DJ (make run) plays on the Main Floor: the slot on now is theirs.
    assert (on_now.stage.code, on_now.dj.email, on_now.title) == (demo["stages"][0], "nova@pika.local", "Demo set")
    html = Client().get(f"/e/{event.slug}/timetable").content.decode()
    assert "Demo set · DJ Nova" in html and "As of version 1" in html
    calendar = icalendar.Calendar.from_ical(Client().get(f"/e/{event.slug}/timetable.ics").content)
    assert len(calendar.walk("VEVENT")) == len(rows)


def test_running_the_demo_again_keeps_one_version_and_a_slot_on_now(capsys):
    seed(capsys)
    seed(capsys)
    assert Release.objects.count() == 1
    # A demo seeded yesterday: today's run puts a slot on now again, as a new version.
    Slot.objects.filter(title="Demo set").update(removed_at=timezone.now())
    Release.objects.publish(Event.objects.get(), notify=False)
    seed(capsys)
    latest = Release.objects.latest_for(Event.objects.get())
    assert latest.number == 3
    moment = timezone.now()
    main = Event.objects.get().stages.first()  # the Main Floor, where the simulated DJ plays
    on_now = latest.rows.filter(cancelled=False, starts_at__lte=moment, ends_at__gt=moment, stage=main)
    assert [row.title for row in on_now] == ["Demo set"]
