"""Crowd taps are anonymous writes: one allowance per dancer and one per IP address for
tempo votes, thank-yous and poll answers together, like likes. A refused tap stores nothing."""

import pytest

from crowd.models import PollAnswer, TempoVote, ThankYou
from tests.crowd_helpers import answer, start_poll, tempo, thank
from tests.personas import dancer_phone, played_set

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_rate_window")]


@pytest.fixture
def live_set(dj):
    return played_set(dj, titles=[f"Song {n}" for n in range(3)])[0]


def test_a_script_hammering_thank_you_is_refused_and_nothing_more_is_stored(settings, live_set):
    settings.PIKA_CROWD_RATE = "3/m"
    tracks = list(live_set.tracks.order_by("played_at", "pk"))
    phone = dancer_phone()
    for track in tracks:
        assert thank(phone, track).status_code == 302
    refused = thank(phone, tracks[0])
    assert refused.status_code == 429
    assert "Too many taps" in refused.content.decode()
    # The one allowance covers every crowd tap.
    current = tracks[-1]
    assert tempo(phone, current, "slower").status_code == 429
    assert answer(phone, start_poll(live_set), 0).status_code == 429
    assert (ThankYou.objects.count(), TempoVote.objects.count(), PollAnswer.objects.count()) == (3, 0, 0)
    # Other dancers are not slowed down.
    assert thank(dancer_phone(), current).status_code == 302


def test_fresh_cookies_do_not_escape_the_per_ip_limit(settings, live_set):
    settings.PIKA_CROWD_RATE = "100/m"
    settings.PIKA_CROWD_IP_RATE = "4/m"
    current = live_set.current_track()
    for _ in range(4):
        assert tempo(dancer_phone(), current, "faster", REMOTE_ADDR="203.0.113.7").status_code == 302
    assert tempo(dancer_phone(), current, "faster", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert tempo(dancer_phone(), current, "faster", REMOTE_ADDR="198.51.100.1").status_code == 302
    assert TempoVote.objects.count() == 5


def test_an_htmx_tap_over_the_limit_gets_a_429(settings, live_set):
    settings.PIKA_CROWD_RATE = "1/m"
    phone, current = dancer_phone(), live_set.current_track()
    assert tempo(phone, current, "slower", HTTP_HX_REQUEST="true").status_code == 200
    assert tempo(phone, current, "none", HTTP_HX_REQUEST="true").status_code == 429
    assert list(TempoVote.objects.values_list("choice", flat=True)) == ["slower"]
