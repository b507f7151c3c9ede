"""Sign in, sign up, sign out and password reset: Pika!'s own pages and words, everywhere the same."""

import re

import pytest

pytestmark = pytest.mark.django_db

STOCK_WORDS = ["Sign In", "Sign Up", "Signup", "Sign Out", "then please", "Then please", "Bad Token",
               "Change Password", "Successfully signed in"]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for stock in STOCK_WORDS:
        assert stock not in html, f"{url} says {stock!r}"
    return html


def title_and_heading(html):
    return re.search(r"<title>(.*?)</title>", html).group(1), re.search(r"<h1>(.*?)</h1>", html).group(1)


def test_sign_in_and_sign_up_speak_pika(client):
    login = page(client, "/accounts/login/")
    assert title_and_heading(login) == ("Sign in · Pika!", "Sign in")
    assert '<button type="submit" class="button primary big">Sign in</button>' in login
    assert '<a href="/accounts/signup/">Create an account</a>' in login
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in login

    signup = page(client, "/accounts/signup/")
    assert title_and_heading(signup) == ("Sign up · Pika!", "Sign up")
    assert '<button type="submit" class="button primary big">Sign up</button>' in signup
    assert 'Already have an account? <a href="/accounts/login/">Sign in</a>.' in signup
    assert 'name="display_name"' in signup


def test_the_next_page_survives_the_switch_between_sign_in_and_sign_up(client):
    login = page(client, "/accounts/login/?next=/likes/")
    assert '<a href="/accounts/signup/?next=%2Flikes%2F">Create an account</a>' in login
    assert '<input type="hidden" name="next" value="/likes/">' in login


def test_password_reset_pages(client, dj, mailoutbox):
    reset = page(client, "/accounts/password/reset/")
    assert title_and_heading(reset) == ("Forgotten password · Pika!", "Forgotten your password?")
    response = client.post("/accounts/password/reset/", {"email": dj.email}, follow=True)
    assert title_and_heading(response.content.decode()) == ("Check your email · Pika!", "Check your email")
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mailoutbox[0].body).group(0)
    broken = page(client, link.replace("/key/", "/key/x").split("testserver", 1)[-1])
    assert title_and_heading(broken) == ("Link expired · Pika!", "This link no longer works")


def test_signing_in_and_out_says_so_plainly(client, dj):
    response = client.post("/accounts/login/", {"login": dj.email, "password": "dance-all-night"}, follow=True)
    assert f"Signed in as {dj.display_name or dj.email}." in response.content.decode()
    out = page(client, "/accounts/logout/")
    assert title_and_heading(out) == ("Sign out · Pika!", "Sign out")
    response = client.post("/accounts/logout/", follow=True)
    assert "Signed out. Your likes stay with your account." in response.content.decode()
