"""The crowd's rule: 3 distinct DJs confirming one evidence → identity link match the next
play automatically; conflicts are flagged and the majority wins until the owner resolves."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crate import verification
from crate.models import Confirmation, Conflict, Track, TrackLink
from stages.models import DJSet
from tests.personas import make_dj, make_owner


@pytest.fixture
def ghost(db):
    return Track.objects.create(artist="Ella Henderson", title="Ghost", isrc="GBARL1400001")


def play(dj, artist="Ella Henderson", title="Ghost", file_hash="", isrc=""):
    dj_set = DJSet.objects.filter(dj=dj, ended_at__isnull=True).first() or DJSet.objects.go_live(dj, dj.display_name)[0]
    track, _ = dj_set.add_track(artist=artist, title=title, file_hash=file_hash)
    verification.auto_match(track, isrc)
    return track


def djs(count, start=0):
    return [make_dj(f"dj{n}@example.com", f"DJ {n}") for n in range(start, start + count)]


def confirmed_by(dj_list, identity, **evidence):
    for dj in dj_list:
        verification.confirm(dj, play(dj, **evidence), identity)


def test_three_distinct_djs_match_the_next_play_automatically(ghost):
    confirmed_by(djs(3), ghost, file_hash="h1")
    newcomer = make_dj("new@example.com", "Newcomer")
    link = TrackLink.objects.get(played=play(newcomer, artist="Someone", title="Else", file_hash="H1"))
    assert (link.identity, link.auto) == (ghost, True)


def test_two_djs_are_a_suggestion_not_a_match(ghost):
    confirmed_by(djs(2), ghost, file_hash="h1")
    track = play(make_dj("new@example.com"), file_hash="h1")
    link = TrackLink.objects.get(played=track)
    assert link.identity is None
    [entry] = verification.entries([track])
    assert entry["identity"] is None
    assert entry["suggestions"] == [{"identity": ghost.as_json(), "source": "crowd", "confirmations": 2}]


def test_the_same_dj_confirming_again_and_again_counts_once(ghost):
    [dj] = djs(1)
    for _ in range(5):
        verification.confirm(dj, play(dj, file_hash="h1"), ghost)
    verification.confirm(dj, TrackLink.objects.first().played, ghost)
    assert Confirmation.objects.count() == 5  # every confirmation kept
    link = TrackLink.objects.get(played=play(make_dj("new@example.com"), file_hash="h1"))
    assert link.identity is None
    [entry] = verification.entries([link.played])
    assert entry["suggestions"][0]["confirmations"] == 1


@pytest.mark.parametrize("evidence, later", [
    ({"isrc": "GBARL1400001", "artist": "A", "title": "B"}, {"isrc": "gb-arl-14-00001", "artist": "C", "title": "D"}),
    ({"artist": "Ella Henderson feat. X", "title": "Ghost (Radio Edit)"}, {"artist": "ELLA HENDERSON", "title": "Ghóst"}),
])
def test_isrc_and_normalised_names_are_evidence_too(ghost, evidence, later):
    confirmed_by(djs(3), ghost, **evidence)
    link = TrackLink.objects.get(played=play(make_dj("new@example.com"), **later))
    assert (link.identity, link.auto) == (ghost, True)


def test_a_file_hash_confirmed_as_two_recordings_is_flagged_and_the_majority_wins(ghost):
    other = Track.objects.create(artist="Ella Henderson", title="Ghost (Live)")
    confirmed_by(djs(3), ghost, file_hash="h1")
    confirmed_by(djs(1, start=3), other, file_hash="h1")
    # The file hash and the played artist + title both point at two recordings now.
    assert sorted(Conflict.objects.values_list("kind", "value", "resolved_to")) == [
        ("hash", "h1", None), ("name", "ella henderson|ghost", None)]
    assert Track.objects.count() == 2  # never merged
    link = TrackLink.objects.get(played=play(make_dj("new@example.com"), file_hash="h1"))
    assert link.identity == ghost
    [entry] = verification.entries([link.played])
    assert [(s["identity"]["id"], s["confirmations"]) for s in entry["suggestions"]] == [(ghost.pk, 3), (other.pk, 1)]


def test_a_tie_matches_nobody_until_the_owner_resolves_it(ghost):
    other = Track.objects.create(artist="Ella Henderson", title="Ghost (Live)")
    confirmed_by(djs(3), ghost, file_hash="h1")
    confirmed_by(djs(3, start=3), other, file_hash="h1")
    assert TrackLink.objects.get(played=play(make_dj("a@example.com"), file_hash="h1")).identity is None
    Conflict.objects.filter(value="h1").update(resolved_to=other, resolved_at=timezone.now())
    link = TrackLink.objects.get(played=play(make_dj("b@example.com"), file_hash="h1"))
    assert (link.identity, link.auto) == (other, True)


def test_the_owner_resolves_a_conflict_in_the_admin(client, ghost):
    other = Track.objects.create(artist="Ella Henderson", title="Ghost (Live)")
    confirmed_by(djs(2), ghost, file_hash="h1")
    confirmed_by(djs(1, start=2), other, file_hash="h1")
    conflict = Conflict.objects.get(kind="hash")
    client.force_login(make_owner())
    page = client.get(f"/admin/crate/conflict/{conflict.pk}/change/")
    assert page.status_code == 200
    assert f'<option value="{other.pk}">' in page.content.decode()
    response = client.post(f"/admin/crate/conflict/{conflict.pk}/change/", {"resolved_to": other.pk})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.resolved_to == other and conflict.resolved_at is not None


def test_storing_a_track_matches_it_in_a_few_queries_whatever_the_crowd_size(ghost):
    confirmed_by(djs(5), ghost, file_hash="h1", isrc="GBARL1400001")
    dj = make_dj("new@example.com")
    dj_set, _ = DJSet.objects.go_live(dj, "New")
    track, _ = dj_set.add_track(artist="Ella Henderson", title="Ghost", file_hash="h1")
    with CaptureQueriesContext(connection) as queries:
        link = verification.auto_match(track, "GBARL1400001")
    assert link.identity == ghost
    # link lookup, votes, resolved conflicts, the identity, the insert
    assert len(queries) == 5


def test_the_api_answers_with_the_identity_and_takes_an_isrc(api, dj, ghost):
    confirmed_by(djs(3), ghost, isrc="GBARL1400001", artist="X", title="Y")
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    response = api.post(f"/sessions/{dj_set.pk}/tracks", {"artist": "Other", "title": "Name", "isrc": "gb-arl-14-00001"})
    assert response.status_code == 201
    assert response.json()["identity"] == {"id": ghost.pk, "artist": "Ella Henderson", "title": "Ghost",
                                           "isrc": "GBARL1400001", "spotify_uri": None, "auto": True}
    assert TrackLink.objects.get(played_id=response.json()["id"]).isrc == "GBARL1400001"


def test_an_unmatched_post_answers_identity_null(api, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    response = api.post(f"/sessions/{dj_set.pk}/tracks", {"artist": "A", "title": "T"})
    assert response.json()["identity"] is None


@pytest.mark.parametrize("bad", ["USRC1170000", "not an isrc", "US-RC1-17-0000X"])
def test_a_malformed_isrc_is_400_naming_the_field(api, dj, bad):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    response = api.post(f"/sessions/{dj_set.pk}/tracks", {"artist": "A", "title": "T", "isrc": bad})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "isrc"
    assert not dj_set.tracks.exists()


def test_a_matching_failure_never_loses_the_track(api, dj, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("matching is down")

    monkeypatch.setattr(verification, "auto_match", broken)
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    response = api.post(f"/sessions/{dj_set.pk}/tracks", {"artist": "A", "title": "T"})
    assert response.status_code == 201
    assert response.json()["identity"] is None
    assert dj_set.tracks.get().title == "T"
