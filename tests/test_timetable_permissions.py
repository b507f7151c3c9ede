"""Every organizer timetable URL, tried by the owner, another organizer, an anonymous
visitor and a user who is not an approved organizer: only the owner changes anything."""

from datetime import date

import pytest

from accounts.models import User
from events.models import CalendarFeed, Release, Slot
from tests.personas import make_event, make_organizer
from tests.timetable_helpers import add_slot, at, slot_form

FRIDAY = date(2026, 5, 1)

pytestmark = [pytest.mark.django_db,
              pytest.mark.event(name="Owner's Weekend", slug="owners-weekend", weekend_of=FRIDAY)]


# (method, path); {slug} is the owner's event and {uid} one of its slots.
TIMETABLE_URLS = [
    ("get", "/organize/{slug}/timetable/"),
    ("post", "/organize/{slug}/timetable/"),
    ("get", "/organize/{slug}/timetable/{uid}/edit"),
    ("post", "/organize/{slug}/timetable/{uid}/edit"),
    ("get", "/organize/{slug}/timetable/{uid}/row"),
    ("post", "/organize/{slug}/timetable/{uid}/delete"),
    ("post", "/organize/{slug}/timetable/duplicate"),
    ("get", "/organize/{slug}/timetable/preview"),
    ("post", "/organize/{slug}/timetable/publish"),
    ("post", "/organize/{slug}/timetable/feed"),
]


@pytest.fixture(autouse=True)
def original_slot(event):
    return add_slot(event, event.stages.first(), at(event, FRIDAY, "21:00"), dj_name="Original DJ")


def request(client, method, path, event):
    slot = Slot.objects.get(event=event)
    path = path.format(slug=event.slug, uid=slot.uid)
    if method == "post":
        body = {**slot_form(event.stages.last(), "2026-05-01T22:00", "2026-05-01T23:00", "Hijacker"),
                "source": "2026-05-01", "target": "2026-05-02", "comment": "hijacked", "notify": "on"}
        return client.post(path, body)
    return client.get(path)


def assert_untouched(event):
    assert list(Slot.objects.values_list("dj_name", "removed_at")) == [("Original DJ", None)]
    assert Release.objects.count() == 0
    assert CalendarFeed.objects.count() == 0


@pytest.mark.parametrize("method, path", TIMETABLE_URLS)
def test_another_organizer_gets_404_and_changes_nothing(client, event, method, path):
    client.force_login(make_organizer("intruder@example.com", "Intruder"))
    response = request(client, method, path, event)
    assert response.status_code == 404
    assert "We can't find that" in response.content.decode()
    assert_untouched(event)


@pytest.mark.parametrize("method, path", TIMETABLE_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, event, method, path):
    response = request(client, method, path, event)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/organize/owners-weekend/timetable/")
    assert_untouched(event)


@pytest.mark.parametrize("method, path", TIMETABLE_URLS)
def test_users_who_are_not_approved_are_sent_to_the_application_form(client, event, method, path):
    client.force_login(User.objects.create_user(email="hopeful@example.com"))
    response = request(client, method, path, event)
    assert (response.status_code, response["Location"]) == (302, "/organize/apply")
    assert_untouched(event)


@pytest.mark.parametrize("method, path", TIMETABLE_URLS)
def test_the_owner_reaches_every_url(client, organizer, event, method, path):
    client.force_login(organizer)
    response = request(client, method, path, event)
    if method == "get":
        assert response.status_code == 200
        assert "DJ" in response.content.decode()
    else:
        assert response.status_code == 302 and response["Location"].startswith("/organize/owners-weekend/timetable/")


def test_a_slot_of_another_event_is_404_through_ones_own_event(client, event):
    mine = make_event(make_organizer("me@example.com", "Me"), slug="mine")
    client.force_login(mine.organizer)
    theirs = Slot.objects.get(event=event)
    assert client.get(f"/organize/mine/timetable/{theirs.uid}/edit").status_code == 404
    assert client.post(f"/organize/mine/timetable/{theirs.uid}/delete").status_code == 404
    assert_untouched(event)


def test_a_draft_events_timetable_is_only_for_its_organizer(client, organizer):
    draft = make_event(organizer, slug="draft-weekend", starts_on=FRIDAY, ends_on=FRIDAY)
    slot = add_slot(draft, draft.stages.first(), at(draft, FRIDAY, "21:00"))
    Release.objects.publish(draft)
    assert client.get("/e/draft-weekend/timetable").status_code == 404
    assert client.post(f"/e/draft-weekend/timetable/{slot.uid}/star", {"starred": "1"}).status_code == 404
    assert client.get(f"/screen/{draft.stages.first().code}").status_code == 404
    client.force_login(organizer)
    assert "Preview" in client.get("/e/draft-weekend/timetable").content.decode()
