"""Becoming an organizer: apply, the platform owner decides in the admin, the gate opens."""

import pytest
from django.core import mail

from accounts.models import OrganizerApplication, User

APPLY = "/organize/apply"
FORM = {"name": "Ana Swing", "community": "Lyon WCS Weekend", "links": "https://lyonwcs.example",
        "message": "We run a 600-dancer weekend in March."}


@pytest.fixture
def applicant(db, client):
    user = User.objects.create_user(email="ana@example.com", password="dance-all-night", display_name="Ana")
    client.force_login(user)
    return user


@pytest.fixture
def admin_client(owner):
    """The platform owner's own browser (the `client` fixture is the applicant's)."""
    from django.test import Client

    browser = Client()
    browser.force_login(owner)
    return browser


def apply(user, **fields):
    return OrganizerApplication.objects.create(user=user, **{**FORM, **fields})


def test_anonymous_visitors_sign_in_before_applying(client, db):
    response = client.get(APPLY)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={APPLY}"


def test_the_form_starts_with_the_display_name(client, applicant):
    html = client.get(APPLY).content.decode()
    assert "Apply to be an organizer" in html
    assert 'name="name" value="Ana"' in html


def test_applying_creates_one_pending_application_and_shows_its_status(client, applicant):
    response = client.post(APPLY, {**FORM, "submit_token": "tok-1"})
    assert response.status_code == 302 and response["Location"] == APPLY
    application = OrganizerApplication.objects.get()
    assert (application.user, application.name, application.community) == (applicant, "Ana Swing", "Lyon WCS Weekend")
    assert application.status == "pending" and application.decided_at is None
    html = client.get(APPLY).content.decode()
    assert "waiting for review" in html and "Lyon WCS Weekend" in html
    assert "Send application" not in html


def test_a_double_submitted_application_is_stored_once(client, applicant):
    client.post(APPLY, {**FORM, "submit_token": "same-token"})
    OrganizerApplication.objects.all().delete()  # even if the first were gone, the token is spent
    client.post(APPLY, {**FORM, "submit_token": "same-token"})
    assert OrganizerApplication.objects.count() == 0


def test_the_same_application_posted_twice_in_a_row_is_stored_once(client, applicant):
    client.post(APPLY, {**FORM, "submit_token": "tok-a"})
    client.post(APPLY, {**FORM, "submit_token": "tok-b"})  # a second one while the first is pending
    assert OrganizerApplication.objects.count() == 1


def test_a_missing_community_is_an_error_that_keeps_what_was_typed(client, applicant):
    response = client.post(APPLY, {**FORM, "community": "   ", "message": "Ünïcode 🎶 message"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert 'value="Ana Swing"' in html and "Ünïcode 🎶 message" in html
    assert OrganizerApplication.objects.count() == 0


def test_a_10000_character_message_is_refused_not_cut(client, applicant):
    response = client.post(APPLY, {**FORM, "message": "x" * 10000})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()
    assert OrganizerApplication.objects.count() == 0


def test_after_a_rejection_the_note_shows_and_one_may_apply_again(client, applicant, owner):
    apply(applicant).reject(owner, "Please add a link to your event.")
    html = client.get(APPLY).content.decode()
    assert "not approved" in html and "Please add a link to your event." in html
    assert "Send application" in html
    client.post(APPLY, {**FORM, "submit_token": "again"})
    assert list(applicant.organizer_applications.values_list("status", flat=True)) == ["pending", "rejected"]


# The gate in front of the organizer pages.

def test_a_signed_in_user_who_has_not_applied_is_sent_to_the_application_form(client, applicant):
    response = client.get("/organize/", follow=True)
    assert response.redirect_chain == [(APPLY, 302)]
    assert "approved organizers" in response.content.decode()


def test_a_pending_applicant_is_sent_to_their_status(client, applicant):
    apply(applicant)
    response = client.get("/organize/new", follow=True)
    assert response.redirect_chain == [(APPLY, 302)]
    assert "waiting for review" in response.content.decode()


def test_an_approved_organizer_reaches_the_organizer_pages(client, applicant, owner):
    apply(applicant).approve(owner)
    response = client.get("/organize/")
    assert response.status_code == 200
    assert "Your events" in response.content.decode()


def test_rejecting_an_approved_organizer_closes_the_gate_again(client, applicant, owner):
    application = apply(applicant)
    application.approve(owner)
    application.reject(owner, "Account disabled after complaints.")
    response = client.get("/organize/")
    assert response.status_code == 302 and response["Location"] == APPLY


# The platform owner's side: Django admin.

CHANGELIST = "/admin/accounts/organizerapplication/"


def test_the_admin_list_opens_on_pending_applications(admin_client, applicant, owner):
    other = User.objects.create_user(email="bob@example.com")
    apply(applicant, community="Pending Weekend")
    apply(other, community="Decided Weekend").approve(owner)
    html = admin_client.get(CHANGELIST).content.decode()
    assert "Pending Weekend" in html and "Decided Weekend" not in html
    html = admin_client.get(CHANGELIST + "?status=all").content.decode()
    assert "Pending Weekend" in html and "Decided Weekend" in html
    html = admin_client.get(CHANGELIST + "?status=approved").content.decode()
    assert "Pending Weekend" not in html and "Decided Weekend" in html


def test_approving_in_the_admin_asks_for_a_note_then_records_and_emails(admin_client, client, applicant, owner,
                                                                        django_capture_on_commit_callbacks):
    application = apply(applicant)
    step_one = admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [application.pk]})
    assert step_one.status_code == 200
    assert "Note to the applicant" in step_one.content.decode() and "Lyon WCS Weekend" in step_one.content.decode()
    application.refresh_from_db()
    assert application.status == "pending"  # nothing decided before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(CHANGELIST, {"action": "approve", "_selected_action": [application.pk],
                                              "confirm": "1", "note": "Welcome aboard, see you in Lyon!"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decided_by == owner and application.decided_at is not None
    assert application.note == "Welcome aboard, see you in Lyon!"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["ana@example.com"]
    assert email.subject == "You're a Pika! organizer"
    assert "Welcome aboard, see you in Lyon!" in email.body and "http://127.0.0.1:8000/organize/" in email.body

    client.force_login(applicant)
    assert client.get("/organize/").status_code == 200


def test_rejecting_in_the_admin_emails_the_note(admin_client, applicant, owner, django_capture_on_commit_callbacks):
    application = apply(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(CHANGELIST, {"action": "reject", "_selected_action": [application.pk],
                                       "confirm": "1", "note": "We only host WCS events."})
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.note) == ("rejected", owner, "We only host WCS events.")
    assert mail.outbox[0].subject == "Your Pika! organizer application"
    assert "We only host WCS events." in mail.outbox[0].body


def test_approving_twice_emails_once(admin_client, applicant, owner, django_capture_on_commit_callbacks):
    application = apply(applicant)
    form = {"action": "approve", "_selected_action": [application.pk], "confirm": "1", "note": ""}
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(CHANGELIST, form)
        admin_client.post(CHANGELIST, form)
    assert len(mail.outbox) == 1


def test_only_staff_reach_the_applications_in_the_admin(client, applicant):
    apply(applicant)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
