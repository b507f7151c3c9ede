"""A set's public setlist page (Open Graph, search links) and its M3U, CSV and text files,
with ISRC and Spotify URI where the track is matched. No Spotify needed."""

import csv
import io

import pytest

from crate import verification
from crate.models import Track
from stages.models import DJSet
from tests.personas import make_dj

SPOTIFY_ID = "6habFhsOp2NvshLv26DqMb"


@pytest.fixture
def dj_set(dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    ghost, _ = dj_set.add_track(artist="Ella Henderson", title="Ghost", duration_ms=213000)
    dj_set.add_track(artist="=cmd", title="Line\nbreak, \"quoted\"")
    identity = Track.objects.create(artist="Ella Henderson", title="Ghost", isrc="GBARL1400001",
                                    spotify_uri=f"spotify:track:{SPOTIFY_ID}")
    verification.auto_match(ghost)
    verification.confirm(dj, ghost, identity)
    dj_set.end()
    return dj_set


def test_the_page_is_public_with_open_graph_tags_and_search_links(client, dj_set, django_assert_num_queries):
    with django_assert_num_queries(3):  # the set, its tracks, their recordings
        response = client.get(f"/setlist/{dj_set.code}")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:type" content="music.playlist">' in html
    assert '<meta property="og:title" content="DJ Nova · ' in html
    assert f'<meta property="og:url" content="http://testserver/setlist/{dj_set.code}">' in html
    assert "2 tracks: Ella Henderson — Ghost" in html
    assert f'href="https://open.spotify.com/track/{SPOTIFY_ID}"' in html
    assert 'href="https://www.youtube.com/results?search_query=Ella+Henderson+Ghost"' in html
    assert html.index("Ghost") < html.index("Line")  # played order


def test_an_unknown_code_is_404(client, db):
    assert client.get("/setlist/nope").status_code == 404
    assert client.get("/setlist/nope.csv").status_code == 404


def test_the_csv_parses_with_isrc_and_spotify_uri(client, dj_set):
    response = client.get(f"/setlist/{dj_set.code}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="pika-setlist-{dj_set.code}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["position"], r["artist"], r["title"], r["isrc"], r["spotify_uri"], r["duration_ms"]) for r in rows] == [
        ("1", "Ella Henderson", "Ghost", "GBARL1400001", f"spotify:track:{SPOTIFY_ID}", "213000"),
        ("2", "'=cmd", 'Line\nbreak, "quoted"', "", "", ""),
    ]


def test_the_m3u_parses_one_entry_per_track(client, dj_set):
    body = client.get(f"/setlist/{dj_set.code}.m3u").content.decode()
    lines = body.splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:DJ Nova · ")
    assert lines[2:] == [
        "#EXTINF:213,Ella Henderson - Ghost", f"https://open.spotify.com/track/{SPOTIFY_ID}",
        '#EXTINF:-1,=cmd - Line break, "quoted"',
        "https://www.youtube.com/results?search_query=%3Dcmd+Line%0Abreak%2C+%22quoted%22",
    ]


def test_the_text_lists_the_set_in_order(client, dj_set):
    lines = client.get(f"/setlist/{dj_set.code}.txt").content.decode().splitlines()
    assert lines[0].startswith("DJ Nova · ")
    assert [line[:4] for line in lines[2:]] == [" 1. ", " 2. "]
    assert [line[11:] for line in lines[2:]] == ["Ella Henderson — Ghost", '=cmd — Line break, "quoted"']


def test_the_djs_past_set_page_links_to_its_setlist(client, dj, dj_set):
    client.force_login(dj)
    assert f'href="/setlist/{dj_set.code}"' in client.get(f"/dj/sets/{dj_set.code}").content.decode()
    client.force_login(make_dj("other@example.com"))
    assert client.get(f"/setlist/{dj_set.code}").status_code == 200  # public by its code
