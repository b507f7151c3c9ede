"""The organizer's timetable: the slot form's bad input, inline edits, duplicate a night,
the preview's warnings, publish (once, even double-clicked), and a 500-slot page."""

from datetime import date, timedelta

import pytest
from django.test import Client

from events.models import Release, Slot
from tests.organizers import event_form
from tests.timetable_helpers import add_slot, at, slot_form

FRIDAY = date(2026, 5, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.event(weekend_of=FRIDAY)]


@pytest.fixture
def phone(organizer):
    client = Client()
    client.force_login(organizer)
    return client


def url(event, rest=""):
    return f"/organize/{event.slug}/timetable/{rest}"


def test_adding_a_slot_with_a_dj_account_or_a_name(phone, event, dj):
    main, blues = event.stages.all()
    response = phone.post(url(event), slot_form(main, "2026-05-01T21:00", "2026-05-01T22:30", "DJ@Example.com", "Warm-up"))
    assert response.status_code == 302
    phone.post(url(event), slot_form(blues, "2026-05-01T23:30", "2026-05-02T01:00", "  Guest DJ  "))
    first, second = Slot.objects.order_by("starts_at")
    assert (first.dj, first.dj_name, first.title, first.stage) == (dj, "DJ Nova", "Warm-up", main)
    assert first.starts_at == at(event, FRIDAY, "21:00")
    assert (second.dj, second.dj_name, second.ends_at) == (None, "Guest DJ", at(event, FRIDAY + timedelta(days=1), "01:00"))
    html = phone.get(url(event)).content.decode()
    assert "Fri 21:00–22:30" in html and "Sat 23:30–01:00" not in html and "Fri 23:30–01:00" in html


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"ends_at": "2026-05-01T20:00"}, "ends_at", "The slot ends before it starts."),
    ({"starts_at": "2026-04-28T21:00", "ends_at": "2026-04-28T22:00"}, "starts_at", "The slot is outside the event"),
    ({"stage": "nosuchstage"}, "stage", "Select a valid choice"),
    ({"dj": "nobody@example.com"}, "dj", "No Pika! account has this email"),
    ({"dj": "   "}, "dj", "This field is required"),
    ({"starts_at": "tonight"}, "starts_at", "Enter a valid date/time"),
])
def test_bad_input_is_refused_and_the_typed_values_kept(phone, event, body, field, message):
    main = event.stages.first()
    data = {**slot_form(main, "2026-05-01T21:00", "2026-05-01T22:30", "Guest DJ", "Kept title"), **body}
    response = phone.post(url(event), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'value="Kept title"' in html
    assert Slot.objects.count() == 0


def test_htmx_add_returns_the_table_and_errors_inline(phone, event):
    main = event.stages.first()
    response = phone.post(url(event), slot_form(main, "2026-05-01T21:00", "2026-05-01T22:30", "Guest DJ"),
                          HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Guest DJ" in html and "1 slot" in html
    response = phone.post(url(event), slot_form(main, "2026-05-01T21:00", "2026-05-01T20:30", "Guest DJ"),
                          HTTP_HX_REQUEST="true")
    assert "The slot ends before it starts." in response.content.decode()


def test_editing_inline_and_deleting_keeps_the_identity(phone, event):
    main, blues = event.stages.all()
    slot = add_slot(event, main, at(event, FRIDAY, "21:00"), dj_name="Guest DJ")
    row = phone.get(url(event, f"{slot.uid}/edit"), HTTP_HX_REQUEST="true").content.decode()
    assert row.startswith("\n<tr id=\"slot-") and 'value="Guest DJ"' in row and 'value="2026-05-01T21:00"' in row
    response = phone.post(url(event, f"{slot.uid}/edit"), slot_form(blues, "2026-05-01T22:00", "2026-05-01T23:00", "Other DJ"),
                          HTTP_HX_REQUEST="true")
    assert "Other DJ" in response.content.decode() and "Blues Room" in response.content.decode()
    slot.refresh_from_db()
    assert (slot.stage, slot.dj_name, slot.starts_at) == (blues, "Other DJ", at(event, FRIDAY, "22:00"))
    bad = phone.post(url(event, f"{slot.uid}/edit"), slot_form(blues, "2026-05-01T22:00", "2026-05-01T21:00", "Other DJ"))
    assert bad.status_code == 400 and "The slot ends before it starts." in bad.content.decode()
    assert phone.post(url(event, f"{slot.uid}/delete"), HTTP_HX_REQUEST="true").content == b""
    slot.refresh_from_db()
    assert slot.removed_at is not None
    assert phone.get(url(event, f"{slot.uid}/edit")).status_code == 404


def test_filters_by_night_and_stage(phone, event):
    main, blues = event.stages.all()
    add_slot(event, main, at(event, FRIDAY, "21:00"), dj_name="Friday Main")
    add_slot(event, blues, at(event, FRIDAY + timedelta(days=1), "01:00"), dj_name="Friday After Midnight")
    add_slot(event, main, at(event, FRIDAY + timedelta(days=1), "21:00"), dj_name="Saturday Main")
    html = phone.get(url(event) + "?night=2026-05-01").content.decode()
    assert "Friday Main" in html and "Friday After Midnight" in html and "Saturday Main" not in html
    html = phone.get(url(event) + f"?night=2026-05-01&stage={blues.code}").content.decode()
    assert "Friday After Midnight" in html and "Friday Main" not in html


def test_duplicating_a_night(phone, event):
    main, blues = event.stages.all()
    add_slot(event, main, at(event, FRIDAY, "21:00"), dj_name="A", title="Warm-up")
    add_slot(event, blues, at(event, FRIDAY + timedelta(days=1), "00:30"), dj_name="B")
    response = phone.post(url(event, "duplicate"), {"source": "2026-05-01", "target": "2026-05-02"})
    assert response.status_code == 302
    copies = Slot.objects.on_night(event, FRIDAY + timedelta(days=1)).order_by("starts_at")
    assert [(s.dj_name, s.title, s.starts_at) for s in copies] == [
        ("A", "Warm-up", at(event, FRIDAY + timedelta(days=1), "21:00")),
        ("B", "", at(event, FRIDAY + timedelta(days=2), "00:30")),
    ]
    response = phone.post(url(event, "duplicate"), {"source": "2026-05-01", "target": "2026-06-01"})
    assert response.status_code == 400 and "That night is outside the event" in response.content.decode()


def test_the_preview_warns_of_overlaps_double_bookings_and_slots_outside_the_dates(phone, event, dj):
    main, blues = event.stages.all()
    add_slot(event, main, at(event, FRIDAY, "21:00"), dj_name="First", hours=2)
    add_slot(event, main, at(event, FRIDAY, "22:00"), dj_name="Second")
    add_slot(event, blues, at(event, FRIDAY, "21:30"), dj=dj)
    add_slot(event, main, at(event, FRIDAY, "23:30"), dj=dj, hours=0.5)
    add_slot(event, blues, at(event, FRIDAY, "23:30"), dj=dj, hours=0.5)
    add_slot(event, blues, at(event, FRIDAY + timedelta(days=5), "21:00"), dj_name="Too Late")
    html = phone.get(url(event, "preview")).content.decode()
    assert "First (Fri 21:00–23:00) and Second (Fri 22:00–23:30) overlap on Main Floor." in html
    assert "DJ Nova is booked on Main Floor and Blues Room at once (Fri 23:30–00:00 and Fri 23:30–00:00)." in html
    assert "Too Late (Wed 21:00–22:30) is outside the event&#x27;s dates (Fri 1 May – Sun 3 May)." in html
    assert html.count("overlap on") == 1  # the DJ's own two slots on two stages are a double booking, not an overlap
    assert "Publish version 1" in html


def test_publishing_freezes_a_version_once_even_double_clicked(phone, event):
    add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"))
    response = phone.post(url(event, "publish"), {"comment": "First cut", "notify": "on"}, follow=True)
    assert "Published version 1." in response.content.decode()
    again = phone.post(url(event, "publish"), {"comment": "First cut", "notify": "on"}, follow=True)
    assert "Nothing to publish: the draft is the same as the published version 1." in again.content.decode()
    release = Release.objects.get()
    assert (release.number, release.comment, release.notify, release.published_by) == (1, "First cut", True, event.organizer)
    assert "Nothing to publish" in phone.get(url(event, "preview")).content.decode()


def test_a_double_tapped_publish_with_one_form_token_publishes_once(phone, event):
    add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"))
    body = {"comment": "", "notify": "on", "submit_token": "one-form-token"}
    first = phone.post(url(event, "publish"), body)
    add_slot(event, event.stages.last(), at(event, FRIDAY, "21:00"))  # an edit in between
    second = phone.post(url(event, "publish"), body)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == url(event)
    assert list(Release.objects.values_list("number", flat=True)) == [1]


def test_five_hundred_slots_stay_one_query_bounded_page(phone, event, django_assert_num_queries):
    main, blues = event.stages.all()
    start = at(event, FRIDAY, "20:00")
    Slot.objects.bulk_create([
        Slot(event=event, stage=(main, blues)[n % 2], uid=f"bulk{n:08d}", starts_at=start + timedelta(minutes=5 * n),
             ends_at=start + timedelta(minutes=5 * n + 30), dj_name=f"DJ {n}")
        for n in range(500)
    ])
    # Session, user, organizer check, event, latest release, feed, slots, stages (filters and form).
    with django_assert_num_queries(9):
        html = phone.get(url(event)).content.decode()
    assert html.count('<tr id="slot-') == 500
    Release.objects.publish(event)
    public = Client()
    # Event, release, rows, stages (now/next and filters), the dancer's stars, the change log.
    with django_assert_num_queries(7):
        html = public.get(f"/e/{event.slug}/timetable").content.decode()
    assert html.count('<li id="slot-') == 500
    with django_assert_num_queries(7):
        assert "Nothing to publish" in phone.get(url(event, "preview")).content.decode()
    with django_assert_num_queries(3):
        assert public.get(f"/e/{event.slug}/timetable.ics").content.count(b"BEGIN:VEVENT") == 500


def test_a_stage_with_slots_cannot_be_removed_from_the_event(phone, event):
    main, blues = event.stages.all()
    add_slot(event, blues, at(event, FRIDAY, "21:00"))
    response = phone.post(f"/organize/{event.slug}/", event_form(
        name=event.name, slug=event.slug, starts_on="2026-05-01", ends_on="2026-05-03", initial=2,
        stages=[{"id": main.pk, "name": "Main Floor"}, {"id": blues.pk, "name": "Blues Room", "DELETE": True}],
    ))
    assert response.status_code == 400
    assert "Blues Room has slots in the timetable: move or delete them there first." in response.content.decode()
    assert list(event.stages.values_list("name", flat=True)) == ["Main Floor", "Blues Room"]
    assert Slot.objects.count() == 1
