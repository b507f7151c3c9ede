"""One vote per dancer across devices: signing up or in moves this browser's tempo votes,
thank-yous and poll answers to the account (the account's own wins a clash), and every
signed-in device then shares them."""

import pytest

from accounts.models import User
from crowd.models import PollAnswer, TempoVote, ThankYou
from tests.crowd_helpers import answer, poll_slot, start_poll, tempo, thank
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db

PASSWORD = "swing-all-night-42"


@pytest.fixture
def nova(db):
    return User.objects.create_user(email="nova@example.com", password=PASSWORD, display_name="Nova")


def log_in(phone, email="nova@example.com"):
    return phone.post("/accounts/login/?next=/likes/", {"login": email, "password": PASSWORD}, follow=True)


def rows():
    return {
        "tempo": sorted(TempoVote.objects.values_list("user", "client_id", "choice")),
        "thanks": sorted(ThankYou.objects.values_list("user", "client_id")),
        "answers": sorted(PollAnswer.objects.values_list("user", "client_id", "option__label")),
    }


def test_signing_up_moves_the_browsers_votes_to_the_account(dj):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    poll = start_poll(dj_set, options=["Blues", "Pop"])
    phone = dancer_phone()
    tempo(phone, ghost, "slower")
    thank(phone, ghost)
    answer(phone, poll, 1)
    phone.post("/accounts/signup/", {"email": "zoe@example.com", "password1": PASSWORD, "password2": PASSWORD,
                                     "display_name": "Zoé"})
    zoe = User.objects.get(email="zoe@example.com")
    assert rows() == {"tempo": [(zoe.pk, "", "slower")], "thanks": [(zoe.pk, "")], "answers": [(zoe.pk, "", "Pop")]}


def test_one_vote_per_dancer_across_devices_after_the_claim(dj, nova):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    poll = start_poll(dj_set, options=["Blues", "Pop"])
    laptop, phone = dancer_phone(), dancer_phone()
    tempo(laptop, ghost, "faster")
    thank(laptop, ghost)
    answer(laptop, poll, 0)
    log_in(laptop)
    # The phone voted anonymously too: on login the account's votes win, the phone's go.
    tempo(phone, ghost, "slower")
    thank(phone, ghost)
    answer(phone, poll, 1)
    log_in(phone)
    assert rows() == {"tempo": [(nova.pk, "", "faster")], "thanks": [(nova.pk, "")], "answers": [(nova.pk, "", "Blues")]}
    # Signed in on both, the dancer still has one vote: the phone changes it, the laptop sees it.
    tempo(phone, ghost, "perfect")
    assert rows()["tempo"] == [(nova.pk, "", "perfect")]
    assert f'data-tempo="{ghost.pk}" data-mine="perfect"' in laptop.get(dj_set.get_absolute_url()).content.decode()
    assert thank(phone, ghost).status_code == 302 and ThankYou.objects.count() == 1
    assert answer(phone, poll, 1).status_code == 409
    slot = poll_slot(phone.get(dj_set.get_absolute_url()).content.decode())
    assert 'data-mine="0"' in slot and 'data-option="0" aria-pressed="true"' in slot
    # Clearing on the laptop clears it for real, everywhere.
    tempo(laptop, ghost, "none")
    assert TempoVote.objects.count() == 0
    assert f'data-tempo="{ghost.pk}" data-mine=""' in phone.get(dj_set.get_absolute_url()).content.decode()


def test_only_this_browsers_votes_are_claimed(dj, nova):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    mine, stranger = dancer_phone(), dancer_phone()
    tempo(mine, ghost, "slower")
    tempo(stranger, ghost, "faster")
    log_in(mine)
    assert set(TempoVote.objects.values_list("user", "choice")) == {(None, "faster"), (nova.pk, "slower")}
