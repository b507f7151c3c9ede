"""DJ API tokens: created in the dashboard, shown once, stored hashed, revocable."""

import hashlib

import pytest
from django.core.management import call_command

from accounts.models import ApiToken, User


@pytest.fixture
def dj_client(client, dj):
    client.force_login(dj)
    return client


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(dj_client, dj):
    response = dj_client.post("/dj/tokens", {"name": "Laptop — VirtualDJ", "submit_token": "k"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    token = ApiToken.objects.get(user=dj)
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("pika_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert ApiToken.objects.authenticate(secret) == token
    assert secret not in dj_client.get("/dj/").content.decode()


def test_the_dashboard_shows_when_each_token_was_last_used(dj_client, dj, api):
    api.post("/sessions", {})
    html = dj_client.get("/dj/").content.decode()
    assert "last used just now" in html and "Laptop" in html


def test_a_token_without_a_name_is_refused(dj_client, dj):
    response = dj_client.post("/dj/tokens", {"name": "   "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Give the token a name." in response.content.decode() or "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_double_submitted_token_form_creates_one_token(dj_client, dj):
    dj_client.post("/dj/tokens", {"name": "Laptop", "submit_token": "same"})
    dj_client.post("/dj/tokens", {"name": "Laptop", "submit_token": "same"})
    assert ApiToken.objects.filter(user=dj).count() == 1


def test_revoking_a_token_stops_it_at_once(dj_client, dj, api):
    token = dj.api_tokens.get()
    dj_client.post(f"/dj/tokens/{token.pk}/revoke")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.post("/sessions", {}).status_code == 401


def test_another_user_cannot_revoke_my_token(client, dj, other_dj, dj_token):
    token = dj.api_tokens.get()
    client.force_login(other_dj)
    assert client.post(f"/dj/tokens/{token.pk}/revoke").status_code == 404
    client.logout()
    assert client.post(f"/dj/tokens/{token.pk}/revoke").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_disabled_account_cannot_use_its_tokens(dj, api):
    dj.is_active = False
    dj.save()
    assert api.post("/sessions", {}).status_code == 401


def test_dj_token_create_makes_the_account_and_prints_the_token_last(capsys, db):
    call_command("dj_token", "create", "New.DJ@Example.com")
    out = capsys.readouterr().out
    secret = out.split()[-1]
    user = User.objects.get(email="new.dj@example.com")
    assert ApiToken.objects.authenticate(secret).user == user


def test_dj_token_create_reuses_an_existing_account(capsys, dj):
    call_command("dj_token", "create", dj.email)
    secret = capsys.readouterr().out.split()[-1]
    assert User.objects.count() == 1
    assert ApiToken.objects.authenticate(secret).user == dj


def test_dj_token_create_refuses_a_bad_email(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Not an email address"):
        call_command("dj_token", "create", "not-an-email")
    assert User.objects.count() == 0
