"""Bad crowd input gets a clear 4xx and stores nothing: a set that is not live, a song no
longer playing (replaced more than TEMPO_GRACE_SECONDS ago), an ended or cancelled poll, an option out of range, another room's poll,
a garbled vote."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowd.models import TEMPO_GRACE_SECONDS, PollAnswer, TempoVote, ThankYou
from stages.models import PlayedTrack
from tests.crowd_helpers import answer, start_poll, tempo, thank
from tests.personas import dancer_phone, make_dj, played_set

pytestmark = pytest.mark.django_db


def nothing_stored():
    return (TempoVote.objects.count(), ThankYou.objects.count(), PollAnswer.objects.count()) == (0, 0, 0)


@pytest.fixture
def live_set(dj):
    return played_set(dj, titles=["Ghost"])[0]


def test_an_ended_set_takes_no_votes_thanks_or_answers(live_set):
    ghost = live_set.tracks.get()
    poll = start_poll(live_set)
    live_set.end()
    phone = dancer_phone()
    for response in (tempo(phone, ghost, "slower"), thank(phone, ghost)):
        assert response.status_code == 409
        assert response.content.decode() == "This set has ended."
    response = answer(phone, poll, 0)
    assert (response.status_code, response.content.decode()) == (409, "This poll has ended.")
    assert nothing_stored()


def test_a_song_no_longer_playing_takes_no_tempo_vote(live_set):
    ghost = live_set.tracks.get()
    dreams, _ = live_set.add_track(artist="Fleetwood Mac", title="Dreams")
    PlayedTrack.objects.filter(pk=dreams.pk).update(created_at=timezone.now() - timedelta(seconds=TEMPO_GRACE_SECONDS + 1))
    response = tempo(dancer_phone(), ghost, "faster")
    assert (response.status_code, response.content.decode()) == (409, "That song is no longer playing.")
    assert nothing_stored()


@pytest.mark.parametrize("form", [{"vote": "louder"}, {"vote": ""}, {}, {"vote": "SLOWER"}])
def test_a_garbled_tempo_vote_is_a_400(live_set, form):
    ghost = live_set.tracks.get()
    response = dancer_phone().post(f"/live/{live_set.code}/tracks/{ghost.pk}/tempo", form)
    assert response.status_code == 400
    assert response.content.decode() == "Send vote=slower, perfect, faster, or none to clear your vote."
    assert nothing_stored()


def test_ended_and_cancelled_polls_take_no_answers(live_set):
    ended, phone = start_poll(live_set, "First?"), dancer_phone()
    ended.end()
    assert answer(phone, ended, 0).status_code == 409
    cancelled = start_poll(live_set, "Second?")
    cancelled.end(cancel=True)
    assert answer(phone, cancelled, 0).status_code == 409
    assert nothing_stored()


@pytest.mark.parametrize("option", ["3", "99", "-1", "one", "", "1.0", "99999999999999999999"])
def test_an_option_out_of_range_is_a_400(live_set, option):
    poll = start_poll(live_set, options=["A", "B", "C"])
    response = dancer_phone().post(f"/live/{live_set.code}/polls/{poll.code}/answer", {"option": option})
    assert response.status_code == 400
    assert response.content.decode() in ("No such option.", "Send option=<number of the option, from 0>.")
    assert nothing_stored()


def test_another_rooms_poll_or_track_is_not_found_through_this_set(live_set):
    elsewhere = played_set(make_dj("elsewhere@example.com", "DJ Else"), titles=["Far"], dj_name="DJ Else")[0]
    their_poll, their_track = start_poll(elsewhere), elsewhere.tracks.get()
    phone = dancer_phone()
    assert answer(phone, their_poll, 0, code=live_set.code).status_code == 404
    assert tempo(phone, their_track, "slower", code=live_set.code).status_code == 404
    assert thank(phone, their_track, code=live_set.code).status_code == 404
    assert phone.post(f"/live/{live_set.code}/polls/nosuchpoll/answer", {"option": "0"}).status_code == 404
    assert phone.post(f"/live/{live_set.code}/tracks/{2**63}/thanks").status_code == 404
    assert nothing_stored()


def test_only_posts_are_taken(live_set):
    ghost = live_set.tracks.get()
    poll = start_poll(live_set)
    phone = dancer_phone()
    for path in (f"/live/{live_set.code}/tracks/{ghost.pk}/tempo", f"/live/{live_set.code}/tracks/{ghost.pk}/thanks",
                 f"/live/{live_set.code}/polls/{poll.code}/answer"):
        assert phone.get(path).status_code == 405
    assert nothing_stored()
