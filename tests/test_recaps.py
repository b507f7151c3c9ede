"""A set's recap: public at its code once the set ended, with exact numbers and link previews."""

import re
from html import unescape

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from pika.asgi import application
from tests.personas import dancer_phone, played_set
from tests.recap_helpers import likes, scripted_set, thanks, votes

pytestmark = pytest.mark.django_db


def numbers(html):
    return {name: unescape(value).strip() for name, value in re.findall(r'data-recap="(\w+)">([^<]*)<', html)}


def floor(html):
    return {int(n): unescape(text) for n, text in re.findall(r'data-floor="(\d+)">([^<]*)<', html)}


def play_rows(html):
    rows = re.findall(r'<li class="track" data-play="(\d+)">.*?<span class="t">([^<]*)</span>.*?♥</span> (\d+)<', html, re.S)
    return [(int(n), title, int(liked)) for n, title, liked in rows]


def test_the_recap_has_the_sets_exact_numbers(anonymous, dj, weekend):
    dj_set, _ = scripted_set(dj, stage=weekend.main)
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert numbers(html) == {"duration": "1 h 32 min", "tracks": "4", "likes": "6", "thanks": "3", "peak": "Lovely"}
    assert play_rows(html) == [(1, "Ghost", 2), (2, "Dreams", 0), (3, "Lovely", 3), (4, "Shivers", 1)]
    assert floor(html) == {
        1: "Tempo: 3 slower · 1 perfect · 0 faster · 1 thank-you",
        2: "Tempo: 0 slower · 1 perfect · 2 faster",
        3: "Tempo: 0 slower · 4 perfect · 0 faster · 2 thank-yous",
        4: "",
    }
    assert "<h1 class=\"page-title\">DJ Nova</h1>" in html
    assert "Swing Into Spring · Main Floor · " in html
    assert '<time datetime="2026-03-14T22:00:00+01:00">Sat 14 Mar 2026, 22:00</time>–<time datetime="2026-03-14T23:32:00+01:00">23:32</time>' in html
    assert "Billie Eilish · <span aria-hidden=\"true\">♥</span> 3" in html


def test_the_open_graph_tags_preview_the_recap(anonymous, dj, weekend):
    dj_set, _ = scripted_set(dj, stage=weekend.main)
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert '<meta property="og:type" content="music.playlist">' in html
    assert '<meta property="og:title" content="DJ Nova · Swing Into Spring · Main Floor · Sat 14 Mar 2026">' in html
    description = "4 tracks in 1 h 32 min · 6 likes · 3 thank-yous · peak of the night: Lovely — Billie Eilish"
    assert f'<meta property="og:description" content="{description}">' in html
    assert f'<meta name="description" content="{description}">' in html
    assert f'<meta property="og:url" content="http://testserver/recap/{dj_set.code}">' in html
    assert '<meta property="og:site_name" content="Pika!">' in html


def test_the_setlist_page_shares_the_same_open_graph_tags(anonymous, dj, weekend):
    dj_set, _ = scripted_set(dj, stage=weekend.main)
    html = anonymous.get(f"/setlist/{dj_set.code}").content.decode()
    assert ('<meta property="og:description" content="4 tracks: Ella Henderson — Ghost, Fleetwood Mac — Dreams, '
            'Billie Eilish — Lovely…">') in html
    assert html.count("og:site_name") == 1


def test_a_quick_start_recap_and_a_tie_for_the_peak(anonymous, dj):
    dj_set, (first, second) = played_set(dj, titles=("First", "Second"))
    likes(first, 2)
    likes(second, 2)
    dj_set.end()
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    # The earlier play wins a tie; a Quick Start set names no event.
    assert numbers(html)["peak"] == "First" and numbers(html)["likes"] == "4"
    assert "Swing" not in html and "· Main Floor" not in html


def test_a_set_without_likes_has_no_peak(anonymous, dj):
    dj_set, _ = played_set(dj, titles=("Ghost",))
    dj_set.end()
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert numbers(html) == {"duration": "0 min", "tracks": "1", "likes": "0", "thanks": "0"}
    assert "Peak of the night" not in html
    assert '<meta property="og:description" content="1 track in 0 min · 0 likes">' in html


def test_the_recap_is_public_only_once_the_set_ended(anonymous, client, dj, other_dj, organizer, weekend):
    dj_set, _ = scripted_set(dj, stage=weekend.main, end=False)
    client.force_login(dj)
    for who in (anonymous, client):
        assert who.get(f"/recap/{dj_set.code}").status_code == 404
    dj_set.end()
    for user in (dj, other_dj, organizer):
        client.force_login(user)
        assert client.get(f"/recap/{dj_set.code}").status_code == 200
    assert anonymous.get(f"/recap/{dj_set.code}").status_code == 200
    assert anonymous.get("/recap/nosuchcode").status_code == 404
    assert anonymous.get(f"/recap/{dj_set.pk}").status_code == 404, "ids are not codes"


def test_the_recap_never_shows_the_djs_private_notes(anonymous, client, dj, weekend):
    dj_set, tracks = scripted_set(dj, stage=weekend.main)
    client.force_login(dj)
    client.post(f"/dj/sets/{dj_set.code}/plays/{tracks[1].pk}/rating", {"verdict": "brick", "note": "floor emptied"})
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert "floor emptied" not in html and "brick" not in html.lower()
    # The floor's public numbers are there; the DJ's analytics (drift, engagement) are not.
    assert 'data-floor="1">Tempo: 3 slower' in html
    assert "drift" not in html.lower() and "engagement" not in html.lower() and "asked slower" not in html


def test_titles_are_text_in_the_recap(anonymous, dj):
    dj_set, (track,) = played_set(dj, titles=("<script>alert(1)</script>",), dj_name="<b>Nova</b>")
    likes(track, 1)
    dj_set.end()
    html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Nova</b>" not in html


def test_the_recap_costs_four_queries_for_any_set_size(anonymous, dj, weekend, django_assert_num_queries):
    dj_set, tracks = played_set(dj, titles=[f"Song {n}" for n in range(30)], stage=weekend.main)
    for track in tracks:
        likes(track, 1)
        votes(track, slower=1, faster=2)
        thanks(track, 1)
    dj_set.end()
    # The set, its plays with likes, their tempo totals, their thank-yous.
    with django_assert_num_queries(4):
        html = anonymous.get(f"/recap/{dj_set.code}").content.decode()
    assert numbers(html)["likes"] == "30" and numbers(html)["tracks"] == "30"


def test_an_ended_set_links_its_recap_to_the_dancers(dj):
    dj_set, _ = played_set(dj, titles=("Ghost",))
    dj_set.end()
    html = dancer_phone().get(dj_set.get_absolute_url()).content.decode()
    assert f'<a href="/recap/{dj_set.code}" data-recap-link>See the recap</a>' in html
    live_set, _ = played_set(dj, titles=("Dreams",))
    assert "data-recap-link" not in dancer_phone().get(live_set.get_absolute_url()).content.decode()


def test_a_room_between_djs_links_the_recap_of_the_set_that_ended(dj, weekend):
    assert "data-recap-link" not in dancer_phone().get(weekend.main.get_absolute_url()).content.decode()
    dj_set, _ = played_set(dj, titles=("Ghost",), stage=weekend.main)
    assert "data-recap-link" not in dancer_phone().get(weekend.main.get_absolute_url()).content.decode()
    dj_set.end()
    html = dancer_phone().get(weekend.main.get_absolute_url()).content.decode()
    assert "Waiting for the next DJ" in html
    assert f'DJ Nova\'s set has ended · <a href="/recap/{dj_set.code}" data-recap-link>See the recap</a>' in html


@pytest.mark.django_db(transaction=True)
async def test_the_rooms_phones_are_pushed_the_recap_link_when_the_set_ends(dj, weekend):
    dj_set, _ = await database_sync_to_async(played_set)(dj, titles=("Ghost",), stage=weekend.main)
    communicator = WebsocketCommunicator(application, f"/ws/stages/{weekend.main.code}/", headers=[
        (b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")])
    assert (await communicator.connect())[0]
    assert "data-recap-link" not in await communicator.receive_from()
    await database_sync_to_async(dj_set.end)()
    pushed = await communicator.receive_from(timeout=3)
    while "now-playing" not in pushed:
        pushed = await communicator.receive_from(timeout=3)
    assert f'<a href="/recap/{dj_set.code}" data-recap-link>See the recap</a>' in pushed
    await communicator.disconnect()
