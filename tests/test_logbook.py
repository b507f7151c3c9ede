"""The DJ's logbook: private ratings, notes and per-play numbers, with a CSV; nobody else's."""

import csv
import io
from types import SimpleNamespace

import pytest

from recaps.models import TrackRating
from recaps.stats import drift
from tests.personas import played_set
from tests.recap_helpers import scripted_set

pytestmark = pytest.mark.django_db


def rate(client, dj_set, track, **fields):
    return client.post(f"/dj/sets/{dj_set.code}/plays/{track.pk}/rating", fields)


def test_only_the_sets_dj_sees_the_logbook_and_its_csv(client, anonymous, dj, other_dj, organizer, weekend):
    dj_set, _ = scripted_set(dj, stage=weekend.main)
    for path in (f"/dj/sets/{dj_set.code}/logbook", f"/dj/sets/{dj_set.code}/logbook.csv"):
        client.force_login(dj)
        assert client.get(path).status_code == 200
        # The other DJ, the event's organizer and a visitor: the same 404, no redirect.
        for user in (other_dj, organizer):
            client.force_login(user)
            assert client.get(path).status_code == 404
        assert anonymous.get(path).status_code == 404


def test_the_dj_rates_plays_and_keeps_notes(client, dj, weekend):
    dj_set, (ghost, dreams, lovely, _) = scripted_set(dj, stage=weekend.main)
    client.force_login(dj)
    response = rate(client, dj_set, lovely, verdict="peak", note="  Whole floor sang  ")
    assert response.status_code == 302 and response["Location"] == f"/dj/sets/{dj_set.code}/logbook#play-{lovely.pk}"
    rate(client, dj_set, dreams, verdict="brick", note="too fast after Ghost")
    rate(client, dj_set, ghost, verdict="neutral")
    # Changed and cleared like any form.
    rate(client, dj_set, ghost, verdict="", note="")
    ratings = {r.track.title: (r.verdict, r.note) for r in TrackRating.objects.select_related("track")}
    assert ratings == {"Lovely": ("peak", "Whole floor sang"), "Dreams": ("brick", "too fast after Ghost"), "Ghost": ("", "")}
    html = client.get(f"/dj/sets/{dj_set.code}/logbook").content.decode()
    assert 'data-logbook="peak">1<' in html and 'data-logbook="brick">1<' in html
    assert 'value="too fast after Ghost"' in html
    assert 'data-logbook="likes">6<' in html and 'data-logbook="tracks">4<' in html
    assert 'data-logbook="thanks">3<' in html
    assert '<span class="drift" data-drift="1">Drift: asked slower, next +24 BPM</span>' in html
    assert '<span class="drift" data-drift="2">Drift: asked faster, next -16 BPM</span>' in html
    assert 'data-drift="3"' not in html and 'data-drift="4"' not in html


def test_the_rating_form_answers_htmx_with_its_own_piece(client, dj):
    dj_set, (ghost,) = played_set(dj, titles=("Ghost",))
    client.force_login(dj)
    html = client.post(f"/dj/sets/{dj_set.code}/plays/{ghost.pk}/rating", {"verdict": "peak", "note": "yes"},
                       HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith(f'<form id="rating-{ghost.pk}" class="rating-form"')
    assert '<input type="radio" name="verdict" value="peak" checked>' in html
    assert '<span class="muted" role="status">Saved</span>' in html


def test_only_the_sets_dj_may_rate(client, anonymous, dj, other_dj, organizer, weekend):
    dj_set, (ghost, *_) = scripted_set(dj, stage=weekend.main)
    for user in (other_dj, organizer):
        client.force_login(user)
        assert rate(client, dj_set, ghost, verdict="brick").status_code == 404
    assert rate(anonymous, dj_set, ghost, verdict="brick").status_code == 404
    # A play of another set under this set's code is not this set's play either.
    other_set, (theirs,) = played_set(other_dj, titles=("Theirs",))
    client.force_login(dj)
    assert client.post(f"/dj/sets/{dj_set.code}/plays/{theirs.pk}/rating", {"verdict": "peak"}).status_code == 404
    assert client.get(f"/dj/sets/{dj_set.code}/plays/{ghost.pk}/rating").status_code == 405
    assert TrackRating.objects.count() == 0


def test_a_bad_rating_is_refused_and_stores_nothing(client, dj):
    dj_set, (ghost,) = played_set(dj, titles=("Ghost",))
    client.force_login(dj)
    response = rate(client, dj_set, ghost, verdict="legendary", note="x")
    assert response.status_code == 400
    assert "Select a valid choice. legendary is not one of the available choices." in response.content.decode()
    response = rate(client, dj_set, ghost, verdict="peak", note="n" * 501)
    assert response.status_code == 400
    assert "Ensure this value has at most 500 characters (it has 501)." in response.content.decode()
    assert TrackRating.objects.count() == 0


def test_the_csv_export_has_exact_rows(client, dj, weekend):
    dj_set, (ghost, dreams, lovely, _) = scripted_set(dj, stage=weekend.main)
    client.force_login(dj)
    rate(client, dj_set, lovely, verdict="peak", note="Whole floor sang, \"again\"")
    rate(client, dj_set, dreams, verdict="brick", note="=too fast")
    response = client.get(f"/dj/sets/{dj_set.code}/logbook.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="pika-logbook-{dj_set.code}.csv"'
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == [
        ["position", "played_at", "artist", "title", "bpm", "likes", "thank_yous", "slower", "perfect", "faster",
         "engagement", "drift", "verdict", "note"],
        ["1", "2026-03-14T22:00:00+01:00", "Ella Henderson", "Ghost", "96", "2", "1", "3", "1", "0", "7",
         "asked slower, next +24 BPM", "", ""],
        ["2", "2026-03-14T22:04:00+01:00", "Fleetwood Mac", "Dreams", "120", "0", "0", "0", "1", "2", "3",
         "asked faster, next -16 BPM", "brick", "'=too fast"],
        ["3", "2026-03-14T22:08:00+01:00", "Billie Eilish", "Lovely", "104", "3", "2", "0", "4", "0", "9",
         "", "peak", 'Whole floor sang, "again"'],
        ["4", "2026-03-14T22:12:00+01:00", "Ed Sheeran", "Shivers", "", "1", "0", "0", "0", "0", "1", "", "", ""],
    ]


def test_the_dashboard_links_past_sets_to_their_logbook_and_recap(client, dj):
    dj_set, _ = played_set(dj, titles=("Ghost",))
    dj_set.end()
    client.force_login(dj)
    html = client.get("/dj/").content.decode()
    assert f'<a href="/dj/sets/{dj_set.code}/logbook">Logbook</a>' in html
    assert f'<a href="/recap/{dj_set.code}">Recap</a>' in html


def test_the_logbook_costs_the_same_queries_for_any_set_size(client, dj, django_assert_num_queries):
    dj_set, tracks = played_set(dj, titles=[f"Song {n}" for n in range(3)])
    dj_set.end()
    client.force_login(dj)
    rate(client, dj_set, tracks[0], verdict="peak")
    client.get(f"/dj/sets/{dj_set.code}/logbook")
    # Session and user, the set, its plays with likes, tempo totals, thank-yous, the ratings.
    with django_assert_num_queries(7):
        assert client.get(f"/dj/sets/{dj_set.code}/logbook").status_code == 200
    for track in played_set(dj, titles=[f"More {n}" for n in range(20)])[1]:
        track.dj_set = dj_set
        track.save()
    with django_assert_num_queries(7):
        html = client.get(f"/dj/sets/{dj_set.code}/logbook").content.decode()
    assert 'data-logbook="tracks">23<' in html


@pytest.mark.parametrize("tempo, bpms, expected", [
    ((3, 1, 0), (96, 120), "asked slower, next +24 BPM"),
    ((3, 1, 0), (96, 90), ""),  # the DJ followed
    ((0, 1, 2), (120, 104), "asked faster, next -16 BPM"),
    ((2, 2, 0), (96, 120), ""),  # split between slower and perfect: nobody asked
    ((1, 5, 2), (96, 80), ""),  # a happy floor
    ((3, 0, 0), (96, None), ""),  # the next BPM is unknown
    ((3, 0, 0), (96, 96), ""),  # the same tempo is no drift
])
def test_tempo_drift_is_the_floor_asking_one_way_and_the_bpm_going_the_other(tempo, bpms, expected):
    played = SimpleNamespace(bpm=bpms[0], tempo=dict(zip(("slower", "perfect", "faster"), tempo)))
    assert drift(played, SimpleNamespace(bpm=bpms[1])) == expected
    assert drift(played, None) == ""
