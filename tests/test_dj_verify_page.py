"""The "Verify your tracks" page: progress, suggestions, confirm / pick / paste / skip,
form errors keeping the input, without JavaScript; only the set's own DJ."""

import pytest

from crate import verification
from crate.models import Confirmation, Track, TrackLink
from stages.models import DJSet
from tests.personas import make_dj

SPOTIFY_ID = "6habFhsOp2NvshLv26DqMb"


@pytest.fixture
def ended_set(dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    for title in ("Ghost", "Leave the Door Open", "September"):
        track, _ = dj_set.add_track(artist="Artist", title=title)
        verification.auto_match(track)
    dj_set.end()
    return dj_set


def page(client, dj_set):
    return client.get(f"/dj/sets/{dj_set.code}/verify")


def answer(client, dj_set, track, **data):
    return client.post(f"/dj/sets/{dj_set.code}/verify/{track.pk}", data)


def test_the_owner_sees_every_track_and_the_progress(client, dj, ended_set, django_assert_num_queries):
    client.force_login(dj)
    # Session, user, the set, its tracks, their links, the crowd's votes (none yet: no
    # resolved conflicts to read).
    with django_assert_num_queries(6):
        response = page(client, ended_set)
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 of 3 matched" in html
    assert [title in html for title in ("Ghost", "Leave the Door Open", "September")] == [True] * 3
    assert html.count('name="action" value="confirm"') == 3


def test_another_dj_and_anonymous_visitors_cannot_see_or_answer(client, ended_set):
    track = ended_set.tracks.first()
    assert page(client, ended_set).status_code == 302  # to sign in
    assert answer(client, ended_set, track, action="confirm").status_code == 302
    client.force_login(make_dj("other@example.com", "Other"))
    assert page(client, ended_set).status_code == 404
    assert answer(client, ended_set, track, action="confirm").status_code == 404
    assert not Confirmation.objects.exists()


def test_confirm_as_played_matches_and_counts(client, dj, ended_set):
    client.force_login(dj)
    track = ended_set.tracks.get(title="Ghost")
    response = answer(client, ended_set, track, action="confirm")
    assert response.status_code == 302
    assert response["Location"] == f"/dj/sets/{ended_set.code}/verify#track-{track.pk}"
    html = page(client, ended_set).content.decode()
    assert "1 of 3 matched" in html
    assert "Matched ✓: Artist — Ghost" in html
    assert Confirmation.objects.get().identity == Track.objects.get(title="Ghost")


def test_a_pasted_spotify_link_is_used(client, dj, ended_set):
    client.force_login(dj)
    track = ended_set.tracks.get(title="September")
    answer(client, ended_set, track, action="spotify", spotify=f"https://open.spotify.com/intl-fr/track/{SPOTIFY_ID}?si=x")
    assert TrackLink.objects.get(played=track).identity.spotify_uri == f"spotify:track:{SPOTIFY_ID}"


def test_a_malformed_link_is_a_form_error_keeping_the_input(client, dj, ended_set):
    client.force_login(dj)
    track = ended_set.tracks.get(title="September")
    response = answer(client, ended_set, track, action="spotify", spotify="https://open.spotify.com/album/nope")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="https://open.spotify.com/album/nope"' in html
    assert "Paste a Spotify track link" in html
    assert 'aria-invalid="true"' in html
    assert not Track.objects.exists()


def test_suggestions_from_other_djs_can_be_picked(client, dj, ended_set):
    ghost = Track.objects.create(artist="Ella Henderson", title="Ghost")
    for n in range(2):
        other = make_dj(f"dj{n}@example.com")
        other_set, _ = DJSet.objects.go_live(other)
        played, _ = other_set.add_track(artist="Artist", title="Ghost (Radio Edit)")
        verification.confirm(other, played, ghost)
    client.force_login(dj)
    html = page(client, ended_set).content.decode()
    assert "Confirm Ella Henderson — Ghost" in html and "confirmed by 2 DJs" in html
    track = ended_set.tracks.get(title="Ghost")
    answer(client, ended_set, track, action="identity", identity=ghost.pk)
    assert TrackLink.objects.get(played=track).identity == ghost


def test_skip_is_shown(client, dj, ended_set):
    client.force_login(dj)
    track = ended_set.tracks.get(title="Ghost")
    answer(client, ended_set, track, action="skip")
    assert "Skipped" in page(client, ended_set).content.decode()


def test_a_track_of_another_set_of_mine_is_404_on_this_sets_page(client, dj, ended_set):
    client.force_login(dj)
    other_set, _ = DJSet.objects.go_live(dj)
    track, _ = other_set.add_track(artist="A", title="T")
    assert answer(client, ended_set, track, action="confirm").status_code == 404


def test_ending_a_set_with_tracks_offers_verifying_it(client, dj):
    client.force_login(dj)
    dj_set, _ = DJSet.objects.go_live(dj)
    dj_set.add_track(artist="A", title="T")
    response = client.post(f"/dj/sets/{dj_set.code}/end")
    assert response["Location"] == f"/dj/sets/{dj_set.code}/verify"


def test_every_past_set_links_to_it(client, dj, ended_set):
    client.force_login(dj)
    link = f'href="/dj/sets/{ended_set.code}/verify"'
    assert link in client.get("/dj/").content.decode()
    assert link in client.get(f"/dj/sets/{ended_set.code}").content.decode()


def test_a_suggestion_can_be_rejected_and_is_not_offered_again(client, dj, ended_set):
    wrong = Track.objects.create(artist="Someone Else", title="Ghost Town")
    other = make_dj("dj0@example.com")
    other_set, _ = DJSet.objects.go_live(other)
    played, _ = other_set.add_track(artist="Artist", title="Ghost")
    verification.confirm(other, played, wrong)
    client.force_login(dj)
    track = ended_set.tracks.get(title="Ghost")
    assert "Confirm Someone Else — Ghost Town" in page(client, ended_set).content.decode()
    response = answer(client, ended_set, track, action="reject", identity=wrong.pk)
    assert response["Location"] == f"/dj/sets/{ended_set.code}/verify#track-{track.pk}"
    html = page(client, ended_set).content.decode()
    assert "Confirm Someone Else — Ghost Town" not in html and "0 of 3 matched" in html
    assert TrackLink.objects.get(played=track).rejected == [wrong.pk]
    # The other DJ still sees it: a rejection is this track's, not the crowd's.
    assert verification.entries([played])[0]["suggestions"][0]["identity"]["id"] == wrong.pk


def test_a_wrong_auto_match_can_be_rejected(client, dj):
    wrong = Track.objects.create(artist="Someone Else", title="Ghost Town")
    for n in range(3):
        other = make_dj(f"dj{n}@example.com")
        other_set, _ = DJSet.objects.go_live(other)
        played, _ = other_set.add_track(artist="A", title="B", file_hash="h1")
        verification.confirm(other, played, wrong)
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    track, _ = dj_set.add_track(artist="Artist", title="Ghost", file_hash="h1")
    verification.auto_match(track)
    dj_set.end()
    client.force_login(dj)
    html = page(client, dj_set).content.decode()
    assert "1 of 1 matched" in html and "Already matched ✓: Someone Else — Ghost Town" in html
    answer(client, dj_set, track, action="reject", identity=wrong.pk)
    html = page(client, dj_set).content.decode()
    assert "0 of 1 matched" in html and "Already matched" not in html and "Ghost Town" not in html
    link = TrackLink.objects.get(played=track)
    assert (link.identity, link.auto) == (None, False)


def test_rejecting_ones_own_match_withdraws_the_confirmation_and_confirming_again_restores_it(client, dj, ended_set):
    client.force_login(dj)
    track = ended_set.tracks.get(title="Ghost")
    answer(client, ended_set, track, action="confirm")
    ghost = Track.objects.get(title="Ghost")
    assert "Not this recording" in page(client, ended_set).content.decode()
    answer(client, ended_set, track, action="reject", identity=ghost.pk)
    assert not Confirmation.objects.exists()
    assert TrackLink.objects.get(played=track).identity is None
    answer(client, ended_set, track, action="identity", identity=ghost.pk)
    link = TrackLink.objects.get(played=track)
    assert (link.identity, link.rejected) == (ghost, [])


@pytest.mark.parametrize("action", ["reject", "identity"])
@pytest.mark.parametrize("identity", ["", "nope", "999999", str(2**70), "²", "-1"])
def test_an_unknown_recording_is_a_form_error(client, dj, ended_set, identity, action):
    client.force_login(dj)
    track = ended_set.tracks.get(title="Ghost")
    response = answer(client, ended_set, track, action=action, identity=identity)
    assert response.status_code == 400 and "No recording has that id." in response.content.decode()
    assert not Confirmation.objects.exists()


def test_another_dj_and_anonymous_cannot_reject(client, dj, ended_set):
    ghost = Track.objects.create(artist="Artist", title="Ghost")
    track = ended_set.tracks.get(title="Ghost")
    assert answer(client, ended_set, track, action="reject", identity=ghost.pk).status_code == 302
    client.force_login(make_dj("other@example.com", "Other"))
    assert answer(client, ended_set, track, action="reject", identity=ghost.pk).status_code == 404
    assert TrackLink.objects.get(played=track).rejected == []


def test_skipped_tracks_are_counted_and_without_spotify_the_page_says_so(client, dj, ended_set, settings):
    settings.PIKA_SPOTIFY_CLIENT_ID = ""
    client.force_login(dj)
    answer(client, ended_set, ended_set.tracks.get(title="Ghost"), action="skip")
    html = page(client, ended_set).content.decode()
    assert "<strong>0 of 3 matched</strong> · 1 skipped" in html
    assert "Spotify is not set up on this Pika!: suggestions come from other DJs only" in html
