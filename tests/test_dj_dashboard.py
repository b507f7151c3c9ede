"""The DJ dashboard: Go Live (Quick Start), typing tracks, ending the set, past sets."""

import pytest

from stages.models import DJSet, PlayedTrack


@pytest.fixture
def dj_client(client, dj):
    client.force_login(dj)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/dj/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dj/"


def test_go_live_creates_a_quick_start_set_and_shows_the_qr(dj_client, dj):
    response = dj_client.post("/dj/go-live", {"dj_name": "Nova", "submit_token": "t1"}, follow=True)
    dj_set = DJSet.objects.get()
    html = response.content.decode()
    assert dj_set.dj == dj and dj_set.dj_name == "Nova" and dj_set.stage is None
    assert f'src="/live/{dj_set.code}/qr.svg"' in html
    assert f"http://127.0.0.1:8000/live/{dj_set.code}" in html
    assert f'data-copy="http://127.0.0.1:8000/live/{dj_set.code}"' in html
    assert "You're live" in html and 'id="listeners"' in html


def test_a_double_submitted_go_live_creates_one_set(dj_client):
    dj_client.post("/dj/go-live", {"dj_name": "Nova", "submit_token": "same"})
    dj_client.post("/dj/go-live", {"dj_name": "Nova", "submit_token": "same"})
    assert DJSet.objects.count() == 1


def test_going_live_again_ends_the_previous_set(dj_client):
    dj_client.post("/dj/go-live", {"submit_token": "a"})
    response = dj_client.post("/dj/go-live", {"submit_token": "b"}, follow=True)
    assert DJSet.objects.live().count() == 1 and DJSet.objects.count() == 2
    assert "Your previous set was still live" in response.content.decode()


def test_typing_a_track_posts_it(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    response = dj_client.post(f"/dj/sets/{dj_set.code}/tracks",
                              {"title": "Ghost", "artist": "Ella Henderson", "submit_token": "x1"},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<form id="track-form"')
    assert list(dj_set.tracks.values_list("artist", "title")) == [("Ella Henderson", "Ghost")]


def test_a_double_submitted_track_is_stored_once(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    for _ in range(2):
        dj_client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "Ghost", "artist": "E", "submit_token": "same"})
    assert PlayedTrack.objects.count() == 1


def test_a_track_form_with_a_missing_title_keeps_what_was_typed(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    response = dj_client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": " ", "artist": "Kept Artist"},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html and 'value="Kept Artist"' in html
    assert PlayedTrack.objects.count() == 0


def test_a_title_of_10000_characters_is_refused_by_the_form(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    response = dj_client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "x" * 10_000, "artist": "A"},
                              HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "at most 500 characters" in response.content.decode()
    assert PlayedTrack.objects.count() == 0


def test_a_track_on_an_ended_set_is_refused(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    dj_set.end()
    response = dj_client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "T", "artist": "A"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "This set has ended." in response.content.decode()


def test_another_dj_cannot_post_to_or_end_my_set(client, dj, other_dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    client.force_login(other_dj)
    assert client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "T", "artist": "A"}).status_code == 404
    assert client.post(f"/dj/sets/{dj_set.code}/end").status_code == 404
    assert client.get(f"/dj/sets/{dj_set.code}").status_code == 404
    dj_set.refresh_from_db()
    assert dj_set.is_live and dj_set.tracks.count() == 0


def test_anonymous_visitors_cannot_post_or_end(client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    assert client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "T", "artist": "A"}).status_code == 302
    assert client.post(f"/dj/sets/{dj_set.code}/end").status_code == 302
    dj_set.refresh_from_db()
    assert dj_set.is_live and dj_set.tracks.count() == 0


def test_end_set(dj_client, dj):
    dj_set = DJSet.objects.go_live(dj)[0]
    response = dj_client.post(f"/dj/sets/{dj_set.code}/end", follow=True)
    dj_set.refresh_from_db()
    assert not dj_set.is_live
    assert "Set ended" in response.content.decode()
    assert "Go Live" in response.content.decode()


def test_past_sets_are_listed_with_their_tracklists(dj_client, dj, django_assert_num_queries):
    for n in range(3):
        dj_set = DJSet.objects.go_live(dj, f"Set {n}")[0]
        for i in range(n + 1):
            dj_set.add_track(artist="A", title=f"Song {n}.{i}")
        dj_set.end()
    # Session, user, live set, past sets, tokens, timetable gigs.
    with django_assert_num_queries(6):
        html = dj_client.get("/dj/").content.decode()
    # Each past set: its page, its "Verify tracks" page and its logbook (and its public recap).
    assert html.count('href="/dj/sets/') == 9
    assert html.count('href="/recap/') == 3
    assert html.count("/verify\">Verify tracks</a>") == 3
    assert "3 tracks" in html and "1 track" in html
    first = DJSet.objects.get(dj_name="Set 2")
    detail = dj_client.get(f"/dj/sets/{first.code}").content.decode()
    assert detail.index("Song 2.0") < detail.index("Song 2.1") < detail.index("Song 2.2")
