"""Accounts: email + password sign-up with a display name, login, and the admin."""

import pytest

from accounts.models import User


def test_sign_up_with_email_password_and_display_name(client, db):
    response = client.post("/accounts/signup/", {
        "email": "Nova@Example.com", "password1": "swing-all-night-42", "password2": "swing-all-night-42",
        "display_name": "DJ Nova 🎧",
    })
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "nova@example.com" and user.display_name == "DJ Nova 🎧"
    assert user.check_password("swing-all-night-42")
    assert client.get("/dj/").status_code == 200


def test_sign_up_form_asks_for_a_display_name(client, db):
    html = client.get("/accounts/signup/").content.decode()
    assert 'name="display_name"' in html and 'name="email"' in html


def test_a_taken_email_is_refused_and_the_form_keeps_the_input(client, dj):
    response = client.post("/accounts/signup/", {
        "email": dj.email, "password1": "swing-all-night-42", "password2": "swing-all-night-42",
        "display_name": "Copycat",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "already registered" in html and 'value="Copycat"' in html
    assert User.objects.count() == 1


def test_login_with_email_and_password(client, dj):
    response = client.post("/accounts/login/", {"login": dj.email, "password": "dance-all-night"})
    assert response.status_code == 302 and response["Location"] == "/dj/"


def test_a_wrong_password_is_refused(client, dj):
    response = client.post("/accounts/login/", {"login": dj.email, "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_public_name_never_falls_back_to_the_email(db):
    user = User.objects.create_user(email="quiet.dancer@example.com")
    assert user.public_name == "Guest DJ"


@pytest.mark.parametrize("path", [
    "/admin/accounts/user/", "/admin/accounts/apitoken/", "/admin/stages/djset/",
    "/admin/stages/stage/", "/admin/stages/playedtrack/", "/admin/events/event/",
])
def test_everything_is_visible_in_the_admin(admin_client, dj, dj_token, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "Select" in response.content.decode()


def test_the_admin_is_closed_to_non_staff(client, dj):
    client.force_login(dj)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
