"""The journal's exports parse: M3U (#EXTM3U/#EXTINF), CSV with a header row, plain text; UTF-8 safe."""

import csv
import io

import pytest

from crate.journal import CSV_HEADER
from tests.likes_helpers import like
from tests.personas import dancer_phone, event_stage, played_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(dj, other_dj):
    stage = event_stage(other_dj, name="Café Swing Fest ☕")
    dj_set, tracks = played_set(dj, titles=("Señorita", "Dreams 🌙"), dj_name="DJ Zoé", stage=stage, artist="Björk")
    tracks[0].duration_ms = 213_412
    tracks[0].bpm = 96.0
    tracks[0].key = "8A"
    tracks[0].save()
    phone = dancer_phone()
    for track in tracks:
        like(phone, track)
    return phone


def test_m3u_is_an_extended_utf8_playlist(phone):
    response = phone.get("/likes/export.m3u")
    assert response["Content-Type"] == "audio/x-mpegurl; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pika-likes.m3u8"'
    lines = response.content.decode("utf-8").splitlines()
    assert lines[:2] == ["#EXTM3U", "#PLAYLIST:Pika! liked songs"]
    entries = list(zip(lines[2::2], lines[3::2]))
    assert [info for info, _ in entries] == ["#EXTINF:-1,Björk - Dreams 🌙", "#EXTINF:213,Björk - Señorita"]
    assert entries[1][1] == "https://www.youtube.com/results?search_query=Bj%C3%B6rk+Se%C3%B1orita"
    assert len(lines) == 6


def test_csv_has_a_header_row_and_one_row_per_like(phone):
    response = phone.get("/likes/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pika-likes.csv"'
    assert response.content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0].keys()) == CSV_HEADER
    assert [(r["artist"], r["title"]) for r in rows] == [("Björk", "Dreams 🌙"), ("Björk", "Señorita")]
    senorita = rows[1]
    assert senorita["dj"] == "DJ Zoé" and senorita["event"] == "Café Swing Fest ☕" and senorita["stage"] == "Main Floor"
    assert senorita["bpm"] == "96" and senorita["key"] == "8A"
    assert senorita["played_at"].endswith(("+01:00", "+02:00"))  # the event's time zone (Paris)
    assert senorita["spotify"] == "https://open.spotify.com/search/Bj%C3%B6rk%20Se%C3%B1orita"


def test_text_lists_songs_under_event_and_set(phone):
    response = phone.get("/likes/export.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == "Pika! — my liked songs"
    assert lines[2] == "Café Swing Fest ☕"
    assert lines[3].startswith("  DJ Zoé · Main Floor · ")
    assert lines[4:6] == ["    Björk — Dreams 🌙", "    Björk — Señorita"]


def test_a_spreadsheet_formula_in_a_title_stays_text(dj):
    _, (track,) = played_set(dj, titles=('=HYPERLINK("http://evil.example","click")',), artist="@risk")
    phone = dancer_phone()
    like(phone, track)
    row = next(csv.DictReader(io.StringIO(phone.get("/likes/export.csv").content.decode("utf-8-sig"))))
    assert row["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert row["artist"] == "'@risk"
    assert row["event"] == "" and row["stage"] == ""


def test_a_line_break_in_a_title_cannot_forge_playlist_entries(dj):
    _, (track,) = played_set(dj, titles=("Line one\n#EXTINF:1,Forged\nfile:///etc/passwd",), artist="A\r\nB")
    phone = dancer_phone()
    like(phone, track)
    m3u = phone.get("/likes/export.m3u").content.decode().splitlines()
    assert m3u[2] == "#EXTINF:-1,A B - Line one #EXTINF:1,Forged file:///etc/passwd"
    assert len(m3u) == 4
    text = phone.get("/likes/export.txt").content.decode().splitlines()
    assert "    A B — Line one #EXTINF:1,Forged file:///etc/passwd" in text
    rows = list(csv.DictReader(io.StringIO(phone.get("/likes/export.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["title"] == "Line one\n#EXTINF:1,Forged\nfile:///etc/passwd"


def test_exports_hold_only_this_dancers_likes(phone):
    stranger = dancer_phone()
    assert stranger.get("/likes/export.m3u").content.decode() == "#EXTM3U\n#PLAYLIST:Pika! liked songs\n"
    rows = list(csv.reader(io.StringIO(stranger.get("/likes/export.csv").content.decode("utf-8-sig"))))
    assert rows == [CSV_HEADER]
    assert "Señorita" not in stranger.get("/likes/export.txt").content.decode()


def test_a_signed_in_dancer_exports_their_account(client, dj):
    _, (track,) = played_set(dj, titles=("Ghost",))
    client.force_login(dj)
    like(client, track)
    assert "#EXTINF:-1,Artist - Ghost" in client.get("/likes/export.m3u").content.decode()


def test_an_unknown_export_format_is_a_404(phone):
    assert phone.get("/likes/export.xls").status_code == 404


def test_exports_cost_one_query(phone, django_assert_num_queries):
    for fmt in ("m3u", "csv", "txt"):
        with django_assert_num_queries(1):
            assert phone.get(f"/likes/export.{fmt}").status_code == 200
