"""The stage page a room's QR code opens: what is live there now, in the first response."""

import gzip

import pytest
from django.test import Client

from accounts.models import User
from stages.models import DJSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage(event):
    return event.stages.get(name="Main Floor")


def test_the_first_response_shows_the_live_dj_and_track(client, stage, dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    dj_set.add_track(artist="Ella Henderson", title="Ghost")
    dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open")
    html = client.get(f"/s/{stage.code}").content.decode()
    now_playing = html[html.index('id="now-playing"'):html.index('id="set-list"')]
    assert "DJ Nova</span> is live on Main Floor" in now_playing
    assert "Leave the Door Open" in now_playing and "Bruno Mars" in now_playing
    assert "Ghost" in html[html.index('id="set-list"'):]
    assert f'ws-connect="/ws/stages/{stage.code}/?v=event.{stage.event_id}%3D' in html and f'data-poll-url="/s/{stage.code}"' in html
    assert '<a href="/e/swing-fling">Swing Fling</a>' in html


def test_nobody_live_means_waiting_for_the_next_dj(client, stage):
    html = client.get(f"/s/{stage.code}").content.decode()
    assert "Waiting for the next DJ" in html and "Keep this page open" in html


def test_an_ended_set_leaves_the_stage_waiting(client, stage, dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    dj_set.add_track(artist="A", title="Last song")
    dj_set.end()
    html = client.get(f"/s/{stage.code}").content.decode()
    assert "Waiting for the next DJ" in html and "Last song" not in html


def test_the_page_lists_every_room_of_the_event(client, event, stage, dj):
    blues = event.stages.get(name="Blues Room")
    DJSet.objects.go_live(dj, "DJ Nova", blues)[0].add_track(artist="Etta James", title="At Last")
    html = client.get(f"/s/{stage.code}").content.decode()
    card = html[html.index(f'id="stage-card-{blues.code}"'):]
    assert "DJ Nova" in card[:600] and "At Last" in card[:600]


def test_the_page_is_small_and_loads_nothing_from_another_origin(client, stage, dj):
    dj_set = DJSet.objects.go_live(dj, "D" * 80, stage)[0]
    for n in range(50):
        dj_set.add_track(artist="A" * 500, title=f"{n}" + "T" * 490)
    response = client.get(f"/s/{stage.code}", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 14 * 1024
    html = gzip.decompress(response.content).decode()
    assert "http://" not in html.replace("http://127.0.0.1:8000", "") and "https://" not in html
    assert "<script>" not in html


def test_the_poll_fallback_gets_only_the_live_panel(client, stage):
    response = client.get(f"/s/{stage.code}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="live-panel">') and "<html" not in html


@pytest.mark.django_db(transaction=True)  # changes are announced on commit (pika/live_state.py)
def test_the_stage_page_needs_a_fixed_number_of_queries(stage, dj, django_assert_num_queries):
    url = f"/s/{stage.code}"
    back_again = Client()
    back_again.get(url)  # the anonymous cookie is set once
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    for n in range(30):
        dj_set.add_track(artist="A", title=f"T{n}")

    def queries_of_each_visit():
        # The first GET after a change renders what every visitor sees: the room, its set
        # and tracks, the set's poll (none running), the rooms' cards (three queries for
        # all rooms, not two per room) and the banners.
        with django_assert_num_queries(8):
            Client().get(url)
        # Every first visit until the next change: the room and the banners.
        with django_assert_num_queries(2):
            Client().get(url)
        # A dancer back again: also their likes, their tempo vote and thank-you on the
        # current track (one), and the set's poll (for their answer).
        with django_assert_num_queries(5):
            return back_again.get(url).content.decode()

    queries_of_each_visit()
    for n in range(30):
        dj_set.add_track(artist="B", title=f"U{n}")
    queries_of_each_visit()
    # More rooms, each with a set playing: still the same queries.
    for i in range(5):
        room = stage.event.stages.create(name=f"Room {i}", position=i + 1)
        DJSet.objects.go_live(User.objects.create_user(email=f"dj{i}@example.com", password="x"), f"DJ {i}", room)[0] \
            .add_track(artist="C", title=f"Room track {i}")
    html = queries_of_each_visit()
    assert all(f"Room track {i}" in html for i in range(5))


@pytest.mark.parametrize("code", ["nosuchcode", "x" * 300, "%F0%9F%8E%A7"])
def test_an_unknown_or_odd_code_is_not_found(client, db, code):
    response = client.get(f"/s/{code}")
    assert response.status_code == 404 and "We can't find that" in response.content.decode()


def test_html_in_names_shows_as_text(client, event, dj):
    stage = event.stages.create(name="<b>Room</b>")
    DJSet.objects.go_live(dj, "<i>Nova</i>", stage)[0].add_track(artist="x", title="<script>alert(1)</script>")
    html = client.get(f"/s/{stage.code}").content.decode()
    assert "<b>Room</b>" not in html and "<i>Nova</i>" not in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;Room&lt;/b&gt;" in html
