"""Every organizer URL, tried by the owner, another organizer, a visitor and a non-approved user."""

import pytest

from accounts.models import OrganizerApplication, User
from events.models import Event
from stages.models import Stage
from tests.organizers import event_form
from tests.personas import make_event, make_organizer

pytestmark = [pytest.mark.django_db, pytest.mark.event(name="Owner's Weekend", slug="owners-weekend", status="draft")]

# (method, path) for every URL that belongs to one event; {slug} is the owner's event.
EVENT_URLS = [
    ("get", "/organize/{slug}/"),
    ("post", "/organize/{slug}/"),
    ("post", "/organize/{slug}/publish"),
    ("post", "/organize/{slug}/unpublish"),
    ("post", "/organize/{slug}/archive"),
    ("get", "/organize/{slug}/qr"),
    ("get", "/organize/{slug}/live"),
]
# URLs that belong to no event yet.
OWN_URLS = [("get", "/organize/"), ("get", "/organize/new"), ("post", "/organize/new"),
            ("get", "/organize/stage-row?stages-TOTAL_FORMS=1")]


def request(client, method, path, event):
    path = path.format(slug=event.slug)
    if method == "post":
        main = event.stages.first()
        body = event_form(name="Hijacked", slug="hijacked", initial=event.stages.count(),
                          stages=[{"id": stage.pk, "name": f"Hijacked {stage.pk}"} for stage in event.stages.all()],
                          token=f"tok-{path}")
        assert main is not None
        return client.post(path, body)
    return client.get(path)


def assert_event_untouched(event):
    fresh = Event.objects.get(pk=event.pk)
    assert (fresh.name, fresh.slug, fresh.status) == ("Owner's Weekend", "owners-weekend", "draft")
    assert sorted(Stage.objects.filter(event=event).values_list("name", flat=True)) == ["Blues Room", "Main Floor"]


@pytest.mark.parametrize("method, path", EVENT_URLS)
def test_another_organizer_gets_404_and_changes_nothing(client, event, method, path):
    client.force_login(make_organizer("intruder@example.com", "Intruder"))
    response = request(client, method, path, event)
    assert response.status_code == 404
    assert "We can't find that" in response.content.decode()
    assert_event_untouched(event)


@pytest.mark.parametrize("method, path", EVENT_URLS + OWN_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, event, method, path):
    response = request(client, method, path, event)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/organize/")
    assert_event_untouched(event)


@pytest.mark.parametrize("method, path", EVENT_URLS + OWN_URLS)
@pytest.mark.parametrize("application", [None, "pending", "rejected"])
def test_users_who_are_not_approved_are_sent_to_the_application_form(client, event, method, path, application):
    user = User.objects.create_user(email="hopeful@example.com")
    if application:
        OrganizerApplication.objects.create(user=user, name="Hopeful", community="Somewhere", status=application)
    client.force_login(user)
    response = request(client, method, path, event)
    assert response.status_code == 302 and response["Location"] == "/organize/apply"
    assert_event_untouched(event)
    assert Event.objects.count() == 1


@pytest.mark.parametrize("method, path", EVENT_URLS)
def test_the_owner_reaches_every_url(client, organizer, event, method, path):
    client.force_login(organizer)
    response = request(client, method, path, event)
    assert response.status_code in (200, 302)
    if method == "get":
        assert "Owner&#x27;s Weekend" in response.content.decode()
    else:
        assert response["Location"].startswith("/organize/")


def test_the_owners_edit_really_applies(client, organizer, event):
    client.force_login(organizer)
    request(client, "post", "/organize/{slug}/", event)
    fresh = Event.objects.get(pk=event.pk)
    assert (fresh.name, fresh.slug) == ("Hijacked", "hijacked")


def test_a_stage_id_of_another_event_cannot_be_edited_through_ones_own_form(client, organizer, event):
    mine = make_event(make_organizer("me@example.com", "Me"), name="Mine", slug="mine", stages=("My Room",))
    client.force_login(mine.organizer)
    theirs = event.stages.first()
    response = client.post("/organize/mine/", event_form(
        name="Mine", slug="mine", initial=1, stages=[{"id": theirs.pk, "name": "Stolen"}],
    ))
    assert response.status_code == 400
    assert "This stage is no longer part of the event; reload the page." in response.content.decode()
    assert_event_untouched(event)
    assert list(mine.stages.values_list("name", flat=True)) == ["My Room"]


def test_the_event_list_never_shows_someone_elses_event(client, event):
    client.force_login(make_organizer("intruder@example.com", "Intruder"))
    html = client.get("/organize/").content.decode()
    assert "Owner&#x27;s Weekend" not in html and "No events yet" in html


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_draft_stages_qr_code_is_only_for_its_organizer(client, organizer, event, fmt):
    stage = event.stages.first()
    assert client.get(f"/s/{stage.code}/qr.{fmt}").status_code == 404
    client.force_login(make_organizer("intruder@example.com"))
    assert client.get(f"/s/{stage.code}/qr.{fmt}").status_code == 404
    client.force_login(organizer)
    assert client.get(f"/s/{stage.code}/qr.{fmt}").status_code == 200
