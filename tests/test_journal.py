"""My likes: every liked track grouped by event and DJ set, newest first, with search links."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from crate.models import Like
from tests.likes_helpers import like
from tests.personas import dancer_phone, event_stage, played_set

pytestmark = pytest.mark.django_db


def backdate(dj_set, hours):
    start = timezone.now() - timedelta(hours=hours)
    dj_set.started_at = start
    dj_set.save(update_fields=["started_at"])
    for n, track in enumerate(dj_set.tracks.order_by("pk")):
        track.played_at = start + timedelta(minutes=4 * n)
        track.save(update_fields=["played_at"])


@pytest.fixture
def three_sets(dj, other_dj):
    """Three sets: Friday night at an event, a Quick Start set, Saturday at the event."""
    stage = event_stage(other_dj)
    friday, friday_tracks = played_set(dj, titles=("Ghost", "Dreams"), dj_name="DJ Nova", stage=stage)
    backdate(friday, 30)
    quick, quick_tracks = played_set(other_dj, titles=("Señorita",), dj_name="DJ Other")
    backdate(quick, 20)
    saturday, saturday_tracks = played_set(dj, titles=("Café 🌅", "Lovely"), dj_name="DJ Nova", stage=stage)
    backdate(saturday, 2)
    return {"stage": stage, "friday": friday_tracks, "quick": quick_tracks, "saturday": saturday_tracks}


def test_likes_are_grouped_by_event_then_set_newest_first(three_sets):
    phone = dancer_phone()
    for track in three_sets["friday"] + three_sets["quick"] + three_sets["saturday"]:
        like(phone, track)
    html = phone.get("/likes/").content.decode()
    # The event first (its newest set is the newest), Saturday before Friday inside it.
    # Within a set the last played comes first.
    order = ["Swing Into Spring", "Lovely", "Café 🌅", "Dreams", "Ghost", "Sets outside an event", "Señorita"]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert html.count('class="card journal-set"') == 3
    assert html.count("Main Floor") == 2 and "DJ Other" in html
    assert "5 songs are kept in this browser only" in html


def test_songs_within_a_set_are_newest_first(dj):
    dj_set, (first, second) = played_set(dj, titles=("First song", "Second song"))
    backdate(dj_set, 1)
    phone = dancer_phone()
    like(phone, first)
    like(phone, second)
    html = phone.get("/likes/").content.decode()
    assert html.index("Second song") < html.index("First song")


def test_each_song_has_plain_search_links(dj):
    _, (track,) = played_set(dj, titles=("Café del Mar 🌅",), artist="Energy 52 & Friends")
    phone = dancer_phone()
    like(phone, track)
    html = phone.get("/likes/").content.decode()
    assert 'href="https://open.spotify.com/search/Energy%2052%20%26%20Friends%20Caf%C3%A9%20del%20Mar%20%F0%9F%8C%85"' in html
    assert 'href="https://music.apple.com/search?term=Energy+52+%26+Friends+Caf%C3%A9+del+Mar+%F0%9F%8C%85"' in html
    assert 'href="https://www.youtube.com/results?search_query=Energy+52+%26+Friends+Caf%C3%A9+del+Mar+%F0%9F%8C%85"' in html
    assert html.count('rel="noopener noreferrer"') == 3


def test_times_show_in_the_events_time_zone(dj, other_dj):
    stage = event_stage(other_dj, tz="America/Los_Angeles")
    dj_set, (track,) = played_set(dj, titles=("Ghost",), stage=stage)
    dj_set.started_at = datetime(2026, 3, 14, 5, 30, tzinfo=UTC)
    dj_set.save(update_fields=["started_at"])
    phone = dancer_phone()
    like(phone, track)
    html = phone.get("/likes/").content.decode()
    assert "Fri 13 Mar 2026, 22:30" in html
    assert '<p class="help tz-note">Times in America/Los_Angeles, the event\'s time zone.</p>' in html


def test_a_quick_start_sets_times_show_in_the_dancers_zone(dj):
    dj_set, (track,) = played_set(dj, titles=("Ghost",))
    dj_set.started_at = datetime(2026, 3, 14, 5, 30, tzinfo=UTC)
    dj_set.save(update_fields=["started_at"])
    phone = dancer_phone()
    like(phone, track)
    phone.cookies["pika_tz"] = "Asia/Tokyo"
    html = phone.get("/likes/").content.decode()
    assert "Sat 14 Mar 2026, 14:30" in html and 'class="help tz-note"' not in html


def test_unliking_from_the_journal(dj):
    _, (track,) = played_set(dj, titles=("Ghost",))
    phone = dancer_phone()
    like(phone, track)
    html = phone.get("/likes/").content.decode()
    assert f'data-like="{track.pk}" data-liked="1" aria-pressed="true"' in html and 'value="0"' in html
    like(phone, track, "0", HTTP_REFERER="http://testserver/likes/")
    assert "No liked songs yet" in phone.get("/likes/").content.decode()


def test_an_empty_journal_explains_how_to_like(db):
    html = dancer_phone().get("/likes/").content.decode()
    assert "No liked songs yet" in html and "export" not in html.lower()
    assert 'href="/accounts/signup/?next=/likes/"' in html


def test_each_dancer_sees_only_their_own_journal(client, dj, other_dj, three_sets):
    owner, other = dancer_phone(), dancer_phone()
    like(owner, three_sets["friday"][0])
    assert "Ghost" in owner.get("/likes/").content.decode()
    assert "Ghost" not in other.get("/likes/").content.decode()
    # Signed-in users (another account, or the DJ) see their account's likes, not the phone's.
    client.force_login(other_dj)
    html = client.get("/likes/").content.decode()
    assert "Ghost" not in html and "No liked songs yet" in html
    assert "on your account" in html


def test_the_journal_is_never_cached(db):
    assert "no-cache" in dancer_phone().get("/likes/")["Cache-Control"]


def test_the_journal_costs_the_same_queries_for_three_or_thirty_likes(dj, django_assert_num_queries):
    phone = dancer_phone()
    dj_set, tracks = played_set(dj, titles=[f"Song {n}" for n in range(30)])
    for track in tracks[:3]:
        Like.objects.create(track=track, client_id=phone.cookies["pika_client"].value)
    with django_assert_num_queries(1):
        assert phone.get("/likes/").content.decode().count('class="track journal-track"') == 3
    for track in tracks[3:]:
        Like.objects.create(track=track, client_id=phone.cookies["pika_client"].value)
    with django_assert_num_queries(1):
        assert phone.get("/likes/").content.decode().count('class="track journal-track"') == 30


def test_a_signed_in_journal_adds_only_the_set_and_user(client, dj, django_assert_num_queries):
    client.force_login(dj)
    _, tracks = played_set(dj, titles=[f"Song {n}" for n in range(20)])
    for track in tracks:
        Like.objects.create(track=track, user=dj)
    with django_assert_num_queries(3):
        assert client.get("/likes/").content.decode().count('class="track journal-track"') == 20


def test_html_in_titles_is_text_in_the_journal(dj):
    _, (track,) = played_set(dj, titles=("<script>alert(1)</script>",), dj_name="<b>DJ</b>")
    phone = dancer_phone()
    like(phone, track)
    html = phone.get("/likes/").content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>DJ</b>" not in html
