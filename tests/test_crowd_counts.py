"""The crowd's numbers per track, as the DJ's live view and the set recap read them:
TempoVote.objects.totals_by_track(dj_set) and ThankYou.objects.count_by_track(dj_set)."""

import pytest

from crowd.models import TempoVote, ThankYou
from tests.personas import make_dj, played_set

pytestmark = pytest.mark.django_db


def phone(n):
    return {"user": None, "client_id": f"phone-{n}"}


def test_tempo_totals_per_track_count_each_dancers_current_vote(dj):
    dj_set, (ghost, dreams) = played_set(dj, titles=["Ghost", "Dreams"])
    other_set, (elsewhere,) = played_set(make_dj("other@example.com", "DJ Other"), titles=["Elsewhere"])
    # Votes are cast on the current track; earlier ones stay with their track.
    TempoVote.objects.create(track=ghost, choice="slower", **phone(1))
    TempoVote.objects.create(track=ghost, choice="faster", **phone(2))
    TempoVote.objects.create(track=ghost, choice="faster", user=dj)
    for n, choice in [(1, "perfect"), (2, "perfect"), (3, "slower")]:
        TempoVote.objects.cast(phone(n), dreams, choice)
    TempoVote.objects.cast(phone(3), dreams, "faster")  # changed
    TempoVote.objects.cast(phone(2), dreams, None)  # cleared
    TempoVote.objects.create(track=elsewhere, choice="slower", **phone(1))

    assert TempoVote.objects.totals_by_track(dj_set) == {
        ghost.pk: {"slower": 1, "perfect": 0, "faster": 2},
        dreams.pk: {"slower": 0, "perfect": 1, "faster": 1},
    }
    assert TempoVote.objects.totals_by_track(other_set) == {elsewhere.pk: {"slower": 1, "perfect": 0, "faster": 0}}


def test_a_set_without_votes_has_no_totals(dj):
    dj_set, _ = played_set(dj)
    assert TempoVote.objects.totals_by_track(dj_set) == {}
    assert ThankYou.objects.count_by_track(dj_set) == {}


def test_thank_yous_count_once_per_dancer_per_track(dj, other_dj):
    dj_set, (ghost, dreams) = played_set(dj, titles=["Ghost", "Dreams"])
    other_set, (elsewhere,) = played_set(other_dj, titles=["Elsewhere"], dj_name="DJ Other")
    assert ThankYou.objects.send(phone(1), ghost) is True
    assert ThankYou.objects.send(phone(1), ghost) is False
    assert ThankYou.objects.send(phone(2), ghost) is True
    assert ThankYou.objects.send({"user": other_dj, "client_id": ""}, ghost) is True
    assert ThankYou.objects.send(phone(1), dreams) is True
    assert ThankYou.objects.send(phone(1), elsewhere) is True

    assert ThankYou.objects.count_by_track(dj_set) == {ghost.pk: 3, dreams.pk: 1}
    assert ThankYou.objects.count_by_track(other_set) == {elsewhere.pk: 1}
    assert ThankYou.objects.count() == 5


def test_counts_take_one_query(dj, django_assert_num_queries):
    dj_set, (ghost, dreams) = played_set(dj, titles=["Ghost", "Dreams"])
    TempoVote.objects.create(track=ghost, choice="slower", **phone(1))
    ThankYou.objects.create(track=dreams, **phone(1))
    with django_assert_num_queries(1):
        TempoVote.objects.totals_by_track(dj_set)
    with django_assert_num_queries(1):
        ThankYou.objects.count_by_track(dj_set)
