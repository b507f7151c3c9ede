"""Dancer accounts: the small profile page (display name) and password reset by email."""

import re

import pytest
from django.core import mail

from accounts.models import User
from crate.models import Like
from tests.likes_helpers import like
from tests.personas import played_set

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_owners_account(client, dj):
    _, (ghost,) = played_set(dj, titles=("Ghost",))
    Like.objects.create(track=ghost, user=dj)
    client.force_login(dj)
    html = client.get("/me/").content.decode()
    assert "dj@example.com" in html and 'value="DJ Nova"' in html
    assert '<a href="/likes/">1 liked song</a>' in html


def test_another_user_sees_only_their_own_profile(client, dj, other_dj):
    _, (ghost,) = played_set(dj, titles=("Ghost",))
    Like.objects.create(track=ghost, user=dj)
    client.force_login(other_dj)
    html = client.get("/me/").content.decode()
    assert "other@example.com" in html and "dj@example.com" not in html
    assert "0 liked songs" in html


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/me/"
    assert client.post("/me/", {"display_name": "Hacker"})["Location"] == "/accounts/login/?next=/me/"


@pytest.mark.parametrize("typed, stored", [
    ("  Zoé   the   Dancer ", "Zoé the Dancer"),
    ("💃🕺", "💃🕺"),
    ("", ""),
])
def test_changing_the_display_name(client, dj, typed, stored):
    client.force_login(dj)
    response = client.post("/me/", {"display_name": typed}, follow=True)
    assert "Profile saved." in response.content.decode()
    dj.refresh_from_db()
    assert dj.display_name == stored


def test_a_too_long_display_name_is_refused_and_kept_in_the_form(client, dj):
    client.force_login(dj)
    response = client.post("/me/", {"display_name": "x" * 10_000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ensure this value has at most 80 characters (it has 10000)." in html
    assert 'value="' + "x" * 10_000 + '"' in html
    dj.refresh_from_db()
    assert dj.display_name == "DJ Nova"


def test_password_reset_by_email(client, dj):
    response = client.post("/accounts/password/reset/", {"email": "dj@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dj@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": "brand-new-swing-77", "password2": "brand-new-swing-77"})
    assert response.status_code == 302
    dj.refresh_from_db()
    assert dj.check_password("brand-new-swing-77")


def test_a_dancer_signs_up_from_the_journal_and_lands_back_on_it(client, dj):
    _, (ghost,) = played_set(dj, titles=("Ghost",))
    client.get("/likes/")
    like(client, ghost)
    html = client.get("/likes/").content.decode()
    assert 'href="/accounts/signup/?next=/likes/"' in html
    response = client.post("/accounts/signup/?next=/likes/", {
        "email": "dancer@example.com", "password1": "swing-all-night-42", "password2": "swing-all-night-42",
        "display_name": "Zoé",
    })
    assert response["Location"] == "/likes/"
    zoe = User.objects.get(email="dancer@example.com")
    assert zoe.display_name == "Zoé" and Like.objects.get().user == zoe
