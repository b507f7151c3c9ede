"""Tempo votes: slower / perfect / faster on the current track, one per dancer per track,
a second tap on the same choice clears it for real, another choice changes it, a new track
starts afresh (a tap sent as the song changed still counts for its song); the set and
stage pages show the buttons with the dancer's own vote."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowd.models import TEMPO_GRACE_SECONDS, TempoVote
from stages.models import PlayedTrack
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db


def vote(phone, track, choice, code=None, **headers):
    return phone.post(f"/live/{code or track.dj_set.code}/tracks/{track.pk}/tempo", {"vote": choice}, **headers)


def votes():
    return sorted(TempoVote.objects.values_list("track__title", "client_id", "choice"))


def client_of(phone):
    return phone.cookies["pika_client"].value.split(":")[0]


def test_a_dancer_votes_changes_and_clears_for_real(dj):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    phone = dancer_phone()
    me = client_of(phone)
    assert vote(phone, ghost, "slower").status_code == 302
    assert votes() == [("Ghost", me, "slower")]
    assert vote(phone, ghost, "faster").status_code == 302
    assert votes() == [("Ghost", me, "faster")]
    assert vote(phone, ghost, "faster").status_code == 302  # the same choice again stays one vote
    assert votes() == [("Ghost", me, "faster")]
    assert vote(phone, ghost, "none").status_code == 302
    assert votes() == []
    assert TempoVote.objects.totals_by_track(dj_set) == {}


def test_each_dancer_has_one_vote_per_track_and_a_new_track_starts_afresh(dj):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    one, two = dancer_phone(), dancer_phone()
    vote(one, ghost, "slower")
    vote(two, ghost, "slower")
    vote(two, ghost, "perfect")
    dreams, _ = dj_set.add_track(artist="Fleetwood Mac", title="Dreams")
    assert vote(one, dreams, "faster").status_code == 302
    # A tap sent as the song changed still counts for its song…
    assert vote(two, ghost, "faster").status_code == 302
    # …but once the next one has played a while, the old song takes no more votes.
    PlayedTrack.objects.filter(pk=dreams.pk).update(created_at=timezone.now() - timedelta(seconds=TEMPO_GRACE_SECONDS + 1))
    refused = vote(one, ghost, "perfect")
    assert (refused.status_code, refused.content.decode()) == (409, "That song is no longer playing.")
    assert TempoVote.objects.totals_by_track(dj_set) == {
        ghost.pk: {"slower": 1, "perfect": 0, "faster": 1},
        dreams.pk: {"slower": 0, "perfect": 0, "faster": 1},
    }


def test_the_htmx_answer_is_the_buttons_with_the_dancers_vote_pressed(dj):
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"])
    phone = dancer_phone()
    html = vote(phone, ghost, "perfect", HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith(f'<form class="tempo" method="post" action="/live/{dj_set.code}/tracks/{ghost.pk}/tempo"')
    assert 'data-mine="perfect"' in html
    assert 'data-choice="perfect" value="none" aria-pressed="true"' in html
    assert 'data-choice="slower" value="slower" aria-pressed="false"' in html
    assert 'data-choice="faster" value="faster" aria-pressed="false"' in html
    html = vote(phone, ghost, "none", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-mine=""' in html and 'aria-pressed="true"' not in html


@pytest.mark.parametrize("page", ["set", "stage"])
def test_the_pages_show_the_buttons_with_the_dancers_own_vote(dj, event, page):
    stage = event.stages.get(name="Main Floor")
    dj_set, (ghost,) = played_set(dj, titles=["Ghost"], stage=stage)
    phone = dancer_phone()
    vote(phone, ghost, "faster")
    url = dj_set.get_absolute_url() if page == "set" else stage.get_absolute_url()
    html = phone.get(url).content.decode()
    assert f'data-tempo="{ghost.pk}" data-mine="faster"' in html
    assert 'data-choice="faster" value="none" aria-pressed="true" aria-label="Faster (tempo of Ghost)"' in html
    html = dancer_phone().get(url).content.decode()
    assert f'data-tempo="{ghost.pk}" data-mine=""' in html
    assert 'aria-pressed="true"' not in html.split('class="crowd-floor"')[1].split('id="crowd-poll"')[0]


def test_the_buttons_appear_only_while_a_track_plays(dj):
    dj_set, _ = played_set(dj, titles=[])
    assert 'class="tempo"' not in dancer_phone().get(dj_set.get_absolute_url()).content.decode()
    dj_set.add_track(artist="Ella Henderson", title="Ghost")
    assert 'class="tempo"' in dancer_phone().get(dj_set.get_absolute_url()).content.decode()
    dj_set.end()
    assert 'class="tempo"' not in dancer_phone().get(dj_set.get_absolute_url()).content.decode()
