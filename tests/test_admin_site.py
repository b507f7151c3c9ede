"""The platform owner's admin: Pika!'s name, one Accounts section, what waits, icons everywhere."""

import re

import pytest
from django.templatetags.static import static

from accounts.models import OrganizerApplication, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def applicant(email):
    user = User.objects.create_user(email=email, password="dance-all-night")
    return OrganizerApplication.objects.create(user=user, name=email, community="A weekend")


def test_the_admin_says_pika_and_shows_one_accounts_section(owner_client):
    html = owner_client.get("/admin/").content.decode()
    assert "<title>Organizers, accounts and tokens | Pika! administration</title>" in html
    assert '<a href="/admin/">Pika! administration</a>' in html
    assert "Django administration" not in html
    assert re.findall(r'<a href="/admin/\w+/" class="section"[^>]*>([^<]+)</a>', html).count("Accounts") == 1
    assert "Email addresses" not in html


def test_the_admin_index_counts_the_applications_waiting(owner_client):
    assert "No organizer application is waiting for a decision." in owner_client.get("/admin/").content.decode()
    applicant("ana@example.com")
    applicant("bo@example.com").decide(OrganizerApplication.Status.APPROVED, None, "")
    applicant("cy@example.com")
    html = owner_client.get("/admin/").content.decode()
    assert ('<a href="/admin/accounts/organizerapplication/">2 organizer applications waiting for your decision</a>'
            in html)


def test_the_decision_page_fits_a_phone(owner_client):
    application = applicant("ana@example.com")
    html = owner_client.post("/admin/accounts/organizerapplication/",
                             {"action": "approve", "_selected_action": [application.pk]}).content.decode()
    assert '<form method="post" class="decide-form">' in html
    assert f'<link rel="stylesheet" href="{static("css/admin.css")}">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1.0">' in html


def test_every_page_has_icons_and_favicon_ico_exists(client, owner_client):
    for html in (client.get("/").content.decode(), owner_client.get("/admin/").content.decode()):
        assert f'<link rel="icon" href="{static("img/icon.svg")}" type="image/svg+xml">' in html
        assert f'<link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
