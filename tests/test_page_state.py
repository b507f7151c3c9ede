"""A live page's GET: what every first visit sees is rendered once per version and reused
(stages/live.py, pika/live_state.py). Never stale after a change, never anyone's own.
"""

import re
from datetime import datetime, timedelta, timezone

import pytest
from django.test import Client

from announcements.models import Announcement
from crowd.models import Poll
from stages import live
from stages.models import DJSet, Stage
from tests.likes_helpers import like, like_url

# Changes are announced on commit: these tests commit, as a server does.
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_FIELD = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]*)">')
PAGE_TOKEN = re.compile(r'"X-CSRFToken": "([^"]*)"')
NONCE = re.compile(r'nonce="[^"]*"')


def first_visit(path, **extra):
    """A phone that never came before (a fresh QR scan)."""
    return Client().get(path, **extra).content.decode()


def without_tokens(html):
    return NONCE.sub("", PAGE_TOKEN.sub("", TOKEN_FIELD.sub("", html)))


@pytest.fixture
def rooms(event):
    return event.stages.get(name="Main Floor"), event.stages.get(name="Blues Room")


@pytest.fixture
def dj_set(dj, rooms):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", rooms[0])[0]
    dj_set.add_track(artist="Ella Henderson", title="Ghost")
    dj_set.add_track(artist="Tones and I", title="Dance Monkey")
    return dj_set


def test_first_visits_share_one_render_per_version(rooms, dj_set, monkeypatch):
    renders = []
    real = live.live_context
    monkeypatch.setattr(live, "live_context", lambda *args, **kwargs: renders.append(1) or real(*args, **kwargs))
    pages = {without_tokens(first_visit(f"/s/{rooms[0].code}")) for _ in range(5)}
    assert len(renders) == 1 and len(pages) == 1 and "Dance Monkey" in pages.pop()
    dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open")
    assert "Leave the Door Open" in first_visit(f"/s/{rooms[0].code}")
    assert len(renders) == 2


@pytest.mark.parametrize("change", ["track", "late track", "start", "end", "announcement", "room renamed",
                                    "next DJ", "poll"])
def test_every_kind_of_change_shows_on_the_next_get(change, rooms, dj_set, other_dj, organizer, event):
    main, blues = rooms
    paths = {"stage": f"/s/{main.code}", "set": f"/live/{dj_set.code}"}
    back_again = Client()
    before = {}
    for page, path in paths.items():
        back_again.get(path)
        before[page] = first_visit(path)  # the page's state, kept by this process

    if change == "track":
        dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open")
        expected = {"stage": "Leave the Door Open", "set": "Leave the Door Open"}
    elif change == "late track":
        first = dj_set.tracks_newest_first().last()
        dj_set.add_track(artist="Artist", title="Late Arrival", played_at=first.played_at - timedelta(minutes=1))
        expected = {"stage": "Late Arrival", "set": "Late Arrival"}
    elif change == "start":
        DJSet.objects.go_live(other_dj, "DJ Blue", blues)[0].add_track(artist="New Order", title="Blue Monday")
        expected = {"stage": "Blue Monday"}
    elif change == "end":
        dj_set.end()
        expected = {"stage": '<p class="eyebrow">Waiting</p>', "set": "This set has ended"}
    elif change == "announcement":
        Announcement.objects.send(author=organizer, message="Competitions start in 15 minutes", push=False,
                                  event=event)
        expected = {"stage": "Competitions start in 15 minutes"}
    elif change == "room renamed":
        room = Stage.objects.get(pk=blues.pk)
        room.name = "Blues Cellar"
        room.save()
        expected = {"stage": "Blues Cellar"}
    elif change == "next DJ":
        next_set = DJSet.objects.go_live(other_dj, "DJ Sunrise", main)[0]
        next_set.add_track(artist="The Beatles", title="Here Comes the Sun")
        expected = {"stage": "Here Comes the Sun"}
    else:
        Poll.objects.start(dj_set, "Next style?", ["Blues", "Lyrical", "Pop"])
        expected = {"stage": "Next style?", "set": "Next style?"}

    for page, text in expected.items():
        assert text not in before[page], (change, page)
        assert text in first_visit(paths[page]), (change, page)
        assert text in back_again.get(paths[page]).content.decode(), (change, page)


def test_a_first_visit_sees_what_a_dancer_with_nothing_of_their_own_sees(rooms, dj_set):
    for path in (f"/s/{rooms[0].code}", f"/live/{dj_set.code}"):
        shared = first_visit(path)
        back_again = Client()
        back_again.get(path)
        # Rendered for this dancer (their likes and votes: none), from the same state.
        own = back_again.get(path).content.decode()
        assert without_tokens(own) == without_tokens(shared)
        assert len(TOKEN_FIELD.findall(shared)) == 4  # two hearts, the tempo vote, the thank-you


def test_the_shared_pieces_carry_each_pages_own_working_token(rooms, dj_set):
    first_visit(f"/s/{rooms[0].code}")  # the state is rendered for someone else
    phone = Client(enforce_csrf_checks=True)
    html = phone.get(f"/s/{rooms[0].code}").content.decode()
    tokens = set(TOKEN_FIELD.findall(html))
    # One token for the whole page, as the template's own, and a form posts with it.
    assert tokens == {PAGE_TOKEN.search(html)[1]}
    track = dj_set.tracks_newest_first().first()
    assert phone.post(like_url(track), {"liked": "1", "csrfmiddlewaretoken": tokens.pop()}).status_code == 302
    assert phone.post(like_url(track), {"liked": "1", "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_dancers_likes_and_votes_stay_theirs(rooms, dj_set):
    path = f"/s/{rooms[0].code}"
    phone = Client()
    phone.get(path)
    track = dj_set.tracks_newest_first().first()
    like(phone, track)
    phone.post(f"/live/{dj_set.code}/tracks/{track.pk}/tempo", {"vote": "faster"})
    first_visit(path)  # the state is rendered for a first visit
    mine = phone.get(path).content.decode()
    assert f'data-like="{track.pk}" data-liked="1"' in mine and 'data-mine="faster"' in mine
    theirs = first_visit(path)
    assert f'data-like="{track.pk}" data-liked="0"' in theirs and 'data-mine=""' in theirs
    assert 'data-liked="1"' not in theirs and 'data-mine="faster"' not in theirs


def test_a_quick_start_sets_times_read_in_each_viewers_zone(dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova")[0]
    dj_set.add_track(artist="A", title="First", played_at=datetime(2026, 3, 14, 22, 5, tzinfo=timezone.utc))
    dj_set.add_track(artist="B", title="Second")
    for zone, shown in [("Asia/Kolkata", "03:35"), ("Asia/Tokyo", "07:05"), ("Asia/Kolkata", "03:35")]:
        phone = Client()
        phone.cookies["pika_tz"] = zone
        html = phone.get(f"/live/{dj_set.code}").content.decode()
        assert f'data-local="time">{shown}</time>' in html, zone
