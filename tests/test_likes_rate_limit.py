"""Likes are an anonymous write: rate limited per client id and per IP address."""

import pytest

from crate.models import Like
from tests.likes_helpers import like
from tests.personas import dancer_phone, played_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_rate_window")]


@pytest.fixture
def tracks(dj):
    return played_set(dj, titles=[f"Song {n}" for n in range(8)])[1]


def test_a_client_tapping_too_fast_is_told_to_slow_down_and_nothing_is_stored(settings, tracks):
    settings.PIKA_LIKE_RATE = "3/m"
    phone = dancer_phone()
    for track in tracks[:3]:
        assert like(phone, track).status_code == 302
    refused = like(phone, tracks[3])
    assert refused.status_code == 429
    assert "Too many taps" in refused.content.decode()
    assert Like.objects.count() == 3
    # Unliking counts too: a script flipping one heart is as noisy as one liking many.
    assert like(phone, tracks[0], "0").status_code == 429
    assert Like.objects.count() == 3


def test_the_client_limit_is_per_client(settings, tracks):
    settings.PIKA_LIKE_RATE = "2/m"
    anna, ben = dancer_phone(), dancer_phone()
    like(anna, tracks[0])
    like(anna, tracks[1])
    assert like(anna, tracks[2]).status_code == 429
    assert like(ben, tracks[2]).status_code == 302
    assert Like.objects.filter(track=tracks[2]).count() == 1


def test_fresh_cookies_do_not_escape_the_per_ip_limit(settings, tracks):
    settings.PIKA_LIKE_RATE = "100/m"
    settings.PIKA_LIKE_IP_RATE = "4/m"
    for track in tracks[:4]:
        assert like(dancer_phone(), track, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert like(dancer_phone(), tracks[4], REMOTE_ADDR="203.0.113.7").status_code == 429
    assert like(dancer_phone(), tracks[4], REMOTE_ADDR="198.51.100.1").status_code == 302
    assert Like.objects.count() == 5


def test_an_htmx_tap_over_the_limit_gets_a_429_the_heart_script_reverts(settings, tracks):
    settings.PIKA_LIKE_RATE = "1/m"
    phone = dancer_phone()
    like(phone, tracks[0], HTTP_HX_REQUEST="true")
    refused = like(phone, tracks[1], HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert Like.objects.count() == 1


def test_probing_unknown_track_ids_is_rate_limited_too(settings, tracks):
    settings.PIKA_LIKE_RATE = "3/m"
    phone = dancer_phone()
    code = tracks[0].dj_set.code
    statuses = [phone.post(f"/live/{code}/tracks/{900000 + n}/like", {"liked": "1"}).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
