"""Calendar feeds, parsed back with `icalendar`: the public contract, stable UIDs, rising
SEQUENCE, cancelled slots kept, and secret revocable addresses for stars and DJ gigs."""

from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.test import Client

from accounts.models import User
from events.models import CalendarFeed, Release, Slot, Star
from tests.personas import make_event
from tests.timetable_helpers import add_slot, at

FRIDAY = date(2026, 3, 27)

pytestmark = [pytest.mark.django_db, pytest.mark.event(weekend_of=FRIDAY, timezone="Europe/Budapest")]


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar):
    return {str(vevent["UID"]): vevent for vevent in calendar.walk("VEVENT")}


def test_the_public_calendar_contract(event, dj):
    main, blues = event.stages.all()
    warmup = add_slot(event, main, at(event, FRIDAY, "21:00"), dj=dj, title="Warm-up")
    blues_slot = add_slot(event, blues, at(event, FRIDAY, "23:00"), dj_name="Guest DJ")
    Release.objects.publish(event)
    calendar = parse(Client().get(f"/e/{event.slug}/timetable.ics"))
    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Budapest"
    events = vevents(calendar)
    assert sorted(events) == sorted([f"{warmup.uid}@pika", f"{blues_slot.uid}@pika"])
    first = events[f"{warmup.uid}@pika"]
    assert first["DTSTART"].params["TZID"] == "Europe/Budapest"
    assert first.decoded("DTSTART") == datetime(2026, 3, 27, 21, 0, tzinfo=event.tzinfo)
    assert first.decoded("DTEND") == datetime(2026, 3, 27, 22, 30, tzinfo=event.tzinfo)
    assert (str(first["SUMMARY"]), str(first["LOCATION"])) == ("Warm-up · DJ Nova", "Main Floor")
    assert str(events[f"{blues_slot.uid}@pika"]["SUMMARY"]) == "Guest DJ"
    assert (first["SEQUENCE"], str(first["STATUS"])) == (0, "CONFIRMED")
    assert "DTSTAMP" in first and "LAST-MODIFIED" in first


def test_uid_stays_sequence_rises_and_a_cancelled_slot_stays_cancelled(event):
    main, blues = event.stages.all()
    moving = add_slot(event, main, at(event, FRIDAY, "21:00"))
    renamed = add_slot(event, blues, at(event, FRIDAY, "21:00"))
    going = add_slot(event, blues, at(event, FRIDAY, "23:00"))
    Release.objects.publish(event)
    first = vevents(parse(Client().get(f"/e/{event.slug}/timetable.ics")))

    Slot.objects.filter(pk=moving.pk).update(stage=blues, starts_at=at(event, FRIDAY, "22:30"), ends_at=at(event, FRIDAY, "23:00"))
    Slot.objects.filter(pk=renamed.pk).update(title="Lesson music")
    Slot.objects.filter(pk=going.pk).update(removed_at=at(event, FRIDAY, "12:00"))
    second_release = Release.objects.publish(event)
    Slot.objects.filter(pk=moving.pk).update(starts_at=at(event, FRIDAY, "22:00"))
    Release.objects.publish(event)
    third = vevents(parse(Client().get(f"/e/{event.slug}/timetable.ics")))

    assert sorted(third) == sorted(first)  # the same UIDs: calendars move events, never duplicate
    moved = third[f"{moving.uid}@pika"]
    assert (first[f"{moving.uid}@pika"]["SEQUENCE"], moved["SEQUENCE"]) == (0, 2)
    assert str(moved["LOCATION"]) == "Blues Room"
    assert moved.decoded("DTSTART") == datetime(2026, 3, 27, 22, 0, tzinfo=event.tzinfo)
    assert third[f"{renamed.uid}@pika"]["SEQUENCE"] == 0  # a new title is no reschedule
    assert third[f"{renamed.uid}@pika"].decoded("LAST-MODIFIED") == second_release.published_at.replace(microsecond=0)
    cancelled = third[f"{going.uid}@pika"]
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CANCELLED", 1)


def test_the_public_calendar_answers_not_modified_until_the_next_release(event):
    add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"))
    Release.objects.publish(event)
    response = Client().get(f"/e/{event.slug}/timetable.ics")
    assert response["ETag"] == f'"ics-{event.pk}-1"'
    assert Client().get(f"/e/{event.slug}/timetable.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_draft_event_has_no_public_calendar(organizer):
    draft = make_event(organizer, slug="draft-weekend")
    assert Client().get(f"/e/{draft.slug}/timetable.ics").status_code == 404


def test_a_dancers_stars_feed_follows_them_and_dies_when_revoked(event):
    main, blues = event.stages.all()
    starred = add_slot(event, main, at(event, FRIDAY, "21:00"), title="Starred")
    add_slot(event, blues, at(event, FRIDAY, "21:00"), title="Not starred")
    Release.objects.publish(event)
    phone = Client()
    phone.get("/likes/")
    phone.post(f"/e/{event.slug}/timetable/{starred.uid}/star", {"starred": "1"})
    phone.post("/calendars/", {"kind": "stars", "action": "make"})
    feed = CalendarFeed.objects.get()
    assert feed.kind == "stars" and len(feed.token) >= 32
    assert feed.token in phone.get("/calendars/").content.decode()
    events = vevents(parse(Client().get(f"/calendar/{feed.token}.ics")))
    assert [str(vevent["SUMMARY"]) for vevent in events.values()] == ["Starred · DJ Someone"]

    phone.post("/calendars/", {"kind": "stars", "action": "make"})  # replace: the old address dies
    assert Client().get(f"/calendar/{feed.token}.ics").status_code == 404
    new = CalendarFeed.objects.get(revoked_at__isnull=True)
    assert Client().get(f"/calendar/{new.token}.ics").status_code == 200
    phone.post("/calendars/", {"kind": "stars", "action": "revoke"})
    assert Client().get(f"/calendar/{new.token}.ics").status_code == 404
    assert Client().get("/calendar/not-a-real-token-at-all.ics").status_code == 404


def test_a_djs_feed_lists_their_gigs_across_events(organizer, dj):
    spring = make_event(organizer, slug="spring", status="published", starts_on=FRIDAY, ends_on=FRIDAY)
    autumn = make_event(organizer, slug="autumn", status="published", timezone="America/New_York",
                        starts_on=date(2026, 10, 2), ends_on=date(2026, 10, 4))
    hidden = make_event(organizer, slug="hidden", starts_on=FRIDAY, ends_on=FRIDAY)
    mine = [
        add_slot(spring, spring.stages.first(), at(spring, FRIDAY, "21:00"), dj=dj),
        add_slot(autumn, autumn.stages.first(), at(autumn, date(2026, 10, 2), "22:00"), dj=dj),
    ]
    add_slot(spring, spring.stages.last(), at(spring, FRIDAY, "21:00"), dj_name="Someone else")
    add_slot(hidden, hidden.stages.first(), at(hidden, FRIDAY, "21:00"), dj=dj)  # a draft event: not listed
    for event in (spring, autumn, hidden):
        Release.objects.publish(event)
    phone = Client()
    phone.force_login(dj)
    phone.post("/calendars/", {"kind": "dj", "action": "make"})
    feed = CalendarFeed.objects.get(user=dj, kind="dj")
    calendar = parse(Client().get(f"/calendar/{feed.token}.ics"))
    assert sorted(vevents(calendar)) == sorted(f"{slot.uid}@pika" for slot in mine)
    assert sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")) == ["America/New_York", "Europe/Paris"]
    assert Client().post("/calendars/", {"kind": "dj", "action": "make"}).status_code == 400  # anonymous: no gigs


def test_the_organizers_secret_feed_can_be_replaced(event, organizer):
    add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"))
    Release.objects.publish(event)
    phone = Client()
    phone.force_login(organizer)
    phone.post(f"/organize/{event.slug}/timetable/feed")
    old = CalendarFeed.objects.get(kind="event")
    assert len(vevents(parse(Client().get(f"/calendar/{old.token}.ics")))) == 1
    phone.post(f"/organize/{event.slug}/timetable/feed")
    assert Client().get(f"/calendar/{old.token}.ics").status_code == 404
    assert CalendarFeed.objects.filter(kind="event", revoked_at__isnull=True).count() == 1


def test_stars_move_to_the_account_on_sign_up(event):
    slot = add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"))
    Release.objects.publish(event)
    phone = Client()
    phone.get("/likes/")
    phone.post(f"/e/{event.slug}/timetable/{slot.uid}/star", {"starred": "1"})
    phone.post("/calendars/", {"kind": "stars", "action": "make"})
    page = phone.post("/accounts/signup/", {
        "email": "zoe@example.com", "password1": "swing-all-night-42", "password2": "swing-all-night-42",
        "display_name": "Zoé",
    }, follow=True)
    assert "1 starred slot moved to your account." in page.content.decode()
    zoe = User.objects.get(email="zoe@example.com")
    assert list(Star.objects.values_list("user", "client_id")) == [(zoe.pk, "")]
    assert CalendarFeed.objects.get().user == zoe


def test_the_dj_dashboard_lists_upcoming_gigs_and_links_the_calendar(organizer, dj):
    from django.utils import timezone

    today = timezone.localdate()
    event = make_event(organizer, slug="now", status="published", starts_on=today, ends_on=today + timedelta(days=1))
    gig = add_slot(event, event.stages.first(), timezone.now() + timedelta(hours=2), dj=dj, title="Late night")
    add_slot(event, event.stages.last(), timezone.now() - timedelta(hours=3), dj=dj)  # over already
    add_slot(event, event.stages.last(), timezone.now() + timedelta(hours=2), dj_name="Someone else")
    Release.objects.publish(event)
    phone = Client()
    phone.force_login(dj)
    html = phone.get("/dj/").content.decode()
    section = html[html.index('aria-label="Your gigs"'):html.index("</section>", html.index('aria-label="Your gigs"'))]
    assert section.count("<li>") == 1
    assert f"{gig.starts_at.astimezone(event.tzinfo):%a %-d %b, %H:%M}" in section and "Late night" in section
    assert 'href="/calendars/"' in section and 'href="/e/now/timetable"' in section
