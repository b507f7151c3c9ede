"""The claim flow: a browser's anonymous likes move to the account on sign-up or login;
duplicates merge; the dancer is told how many; every signed-in device sees the same likes."""

import pytest

from accounts.models import User
from crate.models import Like
from tests.likes_helpers import like
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db

PASSWORD = "swing-all-night-42"


@pytest.fixture
def tracks(dj):
    return played_set(dj, titles=["Ghost", "Café 🌅", "Señorita", "Dreams", "Lovely"])[1]


@pytest.fixture
def nova(db):
    return User.objects.create_user(email="nova@example.com", password=PASSWORD, display_name="Nova")


def sign_up(phone, email="zoe@example.com"):
    return phone.post("/accounts/signup/?next=/likes/", {
        "email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Zoé 💃",
    }, follow=True)


def log_in(phone, email="nova@example.com"):
    return phone.post("/accounts/login/?next=/likes/", {"login": email, "password": PASSWORD}, follow=True)


def test_signing_up_moves_the_anonymous_likes_and_says_how_many(tracks):
    phone = dancer_phone()
    for track in tracks:
        like(phone, track)
    page = sign_up(phone)
    html = page.content.decode()
    assert page.redirect_chain[-1] == ("/likes/", 302)
    assert html.count("5 liked songs transferred to your account.") == 1
    zoe = User.objects.get(email="zoe@example.com")
    assert set(Like.objects.values_list("user", "client_id")) == {(zoe.pk, "")}
    assert Like.objects.filter(user=zoe).count() == 5
    assert "Café 🌅" in html and "Señorita" in html


def test_logging_in_merges_likes_the_account_already_has(tracks, nova):
    ghost, cafe, senorita = tracks[:3]
    Like.objects.create(track=ghost, user=nova)
    phone = dancer_phone()
    like(phone, ghost)
    like(phone, cafe)
    like(phone, senorita)
    html = log_in(phone).content.decode()
    assert "3 liked songs transferred to your account (1 was already there)." in html
    assert sorted(Like.objects.filter(user=nova).values_list("track__title", flat=True)) == ["Café 🌅", "Ghost", "Señorita"]
    assert Like.objects.filter(user__isnull=True).count() == 0
    assert Like.objects.count() == 3


def test_one_song_is_one_song(tracks, nova):
    phone = dancer_phone()
    like(phone, tracks[0])
    assert "1 liked song transferred to your account." in log_in(phone).content.decode()


def test_nothing_to_claim_says_nothing(tracks, nova):
    html = log_in(dancer_phone()).content.decode()
    assert "transferred" not in html
    assert Like.objects.count() == 0


def test_only_this_browsers_likes_are_claimed(tracks, nova):
    mine, someone_elses = dancer_phone(), dancer_phone()
    like(mine, tracks[0])
    like(someone_elses, tracks[1])
    log_in(mine)
    assert list(Like.objects.filter(user=nova).values_list("track__title", flat=True)) == ["Ghost"]
    stranger = Like.objects.get(user__isnull=True)
    assert stranger.client_id == someone_elses.cookies["pika_client"].value


def test_the_same_likes_on_every_device_after_login(tracks, nova):
    ghost, cafe = tracks[:2]
    laptop, phone = dancer_phone(), dancer_phone()
    log_in(laptop)
    like(laptop, ghost)

    # A second device: log in, see the laptop's like, heart shown pressed on the set page.
    html = log_in(phone).content.decode()
    assert "Ghost" in html and "Café 🌅" not in html
    set_page = phone.get(ghost.dj_set.get_absolute_url()).content.decode()
    assert f'data-like="{ghost.pk}" data-liked="1" aria-pressed="true"' in set_page

    # A new like from the phone lands on the account: the laptop has it too.
    like(phone, cafe)
    laptop_html = laptop.get("/likes/").content.decode()
    assert "Ghost" in laptop_html and "Café 🌅" in laptop_html
    assert Like.objects.filter(user=nova).count() == 2 and Like.objects.count() == 2
    # Unliking on one device unlikes everywhere.
    like(laptop, ghost, "0")
    assert "Ghost" not in phone.get("/likes/").content.decode()


def test_after_logout_the_browser_is_anonymous_again(tracks, nova):
    phone = dancer_phone()
    log_in(phone)
    like(phone, tracks[0])
    phone.post("/accounts/logout/")
    html = phone.get("/likes/").content.decode()
    assert "Ghost" not in html and "No liked songs yet" in html
    like(phone, tracks[1])
    assert Like.objects.get(user__isnull=True).client_id == phone.cookies["pika_client"].value
    # Logging in again claims what was liked meanwhile.
    assert "1 liked song transferred to your account." in log_in(phone).content.decode()
    assert Like.objects.filter(user=nova).count() == 2



def test_a_like_from_another_device_during_the_claim_merges_too(tracks, nova, monkeypatch):
    """The account likes the same track between the claim's read and its write."""
    from crate.models import LikeQuerySet

    ghost = tracks[0]
    phone = dancer_phone()
    like(phone, ghost)
    original = LikeQuerySet.bulk_create

    def other_device_first(queryset, objs, **kwargs):
        Like.objects.create(track=ghost, user=nova)
        return original(queryset, objs, **kwargs)

    monkeypatch.setattr(LikeQuerySet, "bulk_create", other_device_first, raising=False)
    assert "1 liked song transferred to your account." in log_in(phone).content.decode()
    assert list(Like.objects.values_list("user", "track")) == [(nova.pk, ghost.pk)]
