"""The page's VirtualDJ reader (static/js/follow-vdj.js) against the agent's
(pika_dj.sources.virtualdj), case by case: the same lines give the same plays, the
same source_ids and the same JSON, so the agent and the page store each play once."""

import base64
import os
import time
from datetime import date, datetime

import pytest
from django.templatetags.static import static

from pika_dj.sources._text import split_lines
from pika_dj.sources.virtualdj import parse_history, parse_tracklist

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HISTORY_CASES = {
    "time tags only, across midnight": (
        ["#EXTVDJ:<time>23:50</time><artist>A</artist><title>Late</title>", r"C:\m\late.mp3",
         "#EXTVDJ:<time>00:10</time><artist>B</artist><title>Later</title>", r"C:\m\later.mp3"], (2026, 3, 14)),
    "the same song twice without lastplaytime": (
        ["#EXTVDJ:<time>22:00</time><artist>A</artist><title>T</title>", r"C:\m\t.mp3",
         "#EXTVDJ:<time>22:00</time><artist>A</artist><title>T</title>", r"C:\m\t.mp3"], (2026, 3, 14)),
    "a path line that never came": (
        ["#EXTVDJ:<lastplaytime>1773528420</lastplaytime><artist>A</artist><title>No path</title>",
         "#EXTVDJ:<lastplaytime>1773528660</lastplaytime><artist>B</artist><title>With path</title>", "/m/b.mp3"], None),
    "entities, raw & and odd whitespace": (
        ["  #extvdj:<lastplaytime>1773528420</lastplaytime><artist>\u00a0Beyonc&#233; &amp; Jay&#x2d;Z </artist>"
         "<title>Crazy &lt;3 & love\u2003</title><album> Dangerously\tin Love </album>", "  /m/crazy.mp3  "], None),
    "12-hour clock, seconds per beat, comma decimals": (
        ["#EXTVDJ:<time>10:47 PM</time><bpm>0.5</bpm><songlength>213,4</songlength><key>F#m</key>"
         "<artist>A</artist><title>T</title><remix>WCS Edit</remix>", r"D:\x\t.mp3"], (2026, 3, 14)),
    "tags missing: artist and title from the file name": (
        ["#EXTVDJ:<lastplaytime>1773528420</lastplaytime>", "/Users/dj/Music/Bruno Mars - Treasure.v2.mp3",
         "#EXTVDJ:<lastplaytime>1773528660</lastplaytime><title>Only title</title>", r"C:\m\Sam Smith - Stay.mp3",
         "#EXTM3U", r"C:\m\no tags at all.mp3"], None),
    "too long for the server": (
        ["#EXTVDJ:<lastplaytime>1773528420</lastplaytime><artist>" + "Ä" * 600 + "</artist><title>T</title>"
         "<key>" + "k" * 30 + "</key><remix>ghost</remix>", "/m/long.mp3"], None),
}

TRACKLIST = ["VirtualDJ History 2026/03/14", "------------------------------", "23:58 : Ella Henderson - Ghost",
             "00:03 : Sam Smith - Stay With Me", "00:03 : Sam Smith - Stay With Me", "not a track line"]

RAW_FILES = {
    "BOM, CRLF and a half-written tail": b"\xef\xbb\xbfline one\r\nline two\r\n#EXTVDJ:<artist>Sam Sm",
    "cp1252 next to UTF-8": "Beyoncé\r\n".encode("cp1252") + "Beyoncé\n".encode() + b"tail\r",
    "UTF-16 with its BOM": "line one\r\nline two\r\ntail".encode("utf-16"),
    "empty": b"",
}


@pytest.fixture
def reader(server, phone):
    page = phone.open(f"{server.url}/healthz", "parity", status=200)
    page.evaluate("async url => { window.vdj = await import(url); }", static("js/follow-vdj.js"))
    return page


@pytest.fixture(autouse=True)
def paris():
    """The page runs in Europe/Paris (the phone fixture): <time> tags are local time there."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def normalized(bodies):
    for body in bodies:
        if "played_at" in body:
            body["played_at"] = datetime.fromisoformat(body["played_at"].replace("Z", "+00:00"))
    return bodies


def js_history(page, lines, day):
    return normalized(page.evaluate(
        "async ([lines, day]) => (await vdj.parseHistory(lines, day)).map(vdj.payload)", [lines, day]))


def test_history_lines_give_the_same_plays_and_json(reader):
    for case, (lines, day) in HISTORY_CASES.items():
        expected = normalized([p.payload() for p in parse_history(lines, date(*day) if day else None)])
        assert js_history(reader, lines, list(day) if day else None) == expected, case


def test_tracklist_lines_give_the_same_plays_and_json(reader):
    expected = normalized([p.payload() for p in parse_tracklist(TRACKLIST)])
    got = normalized(reader.evaluate("async (lines) => (await vdj.parseTracklist(lines)).map(vdj.payload)", TRACKLIST))
    assert got == expected
    assert len({b["source_id"] for b in got}) == 3  # the same line twice is two plays


def test_raw_bytes_split_into_the_same_lines_and_tail(reader):
    for case, data in RAW_FILES.items():
        got = reader.evaluate(
            "(b64) => vdj.splitLines(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))",
            base64.b64encode(data).decode())
        lines, tail = split_lines(data)
        assert got == [lines, tail], case


def test_a_half_written_last_line_counts_only_once_the_file_settles(reader):
    data = base64.b64encode(b"one\r\ntwo").decode()
    lines = "(b64, age) => vdj.fileLines(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), 0, 2000, age)"
    assert reader.evaluate(f"([b64, age]) => ({lines})(b64, age)", [data, 1999]) == ["one"]
    assert reader.evaluate(f"([b64, age]) => ({lines})(b64, age)", [data, 2000]) == ["one", "two"]


NOW_PLAYING_FILES = {
    "BOM and CRLF": ("\ufeffElla Henderson - Ghost (WCS Edit)\r\n".encode(), 1773528420700),
    "cp1252, no artist": ("Café Olé".encode("cp1252"), 1773528421000),
    "blank lines first": (b"\r\n  \r\nSam Smith - Stay With Me", 1773528999999),
    "empty": (b"\r\n", 1773528420000),
}


def test_a_now_playing_file_gives_the_same_play(reader):
    from pika_dj.sources.nowplaying import parse_now_playing

    for case, (data, modified_ms) in NOW_PLAYING_FILES.items():
        expected = normalized([p.payload() for p in parse_now_playing(data, modified_ms / 1000)])
        got = normalized(reader.evaluate(
            "async ([b64, modified]) => (await vdj.parseNowPlaying("
            "Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), modified)).map(vdj.payload)",
            [base64.b64encode(data).decode(), modified_ms]))
        assert got == expected, case


def test_database_xml_gives_the_same_bpm_key_and_length(reader):
    from pika_dj.sources.virtualdj import VirtualDJDatabase

    from tests.agent.conftest import FIXTURES

    database = FIXTURES / "virtualdj" / "database.xml"
    lines = (FIXTURES / "virtualdj" / "History" / "2026-03-14.m3u").read_text(encoding="utf-8-sig").splitlines()
    expected = normalized([VirtualDJDatabase(database).enrich(p).payload() for p in parse_history(lines)])
    got = normalized(reader.evaluate(
        """async ([text, lines]) => {
          const songs = vdj.parseDatabase(text, false);
          return (await vdj.parseHistory(lines)).map((play) => vdj.payload(vdj.enrich(play, songs, false)));
        }""", [database.read_text(encoding="utf-8"), lines]))
    assert got == expected
    assert (got[2]["bpm"], got[2]["key"], got[2]["duration_ms"]) == (102.0, "C", 174900)

    # On Windows the agent compares paths case-insensitively and with either slash.
    found = reader.evaluate(
        """([text]) => vdj.enrich({ path: "c:/USERS/dj/Music/WCS/Cecilia.mp3", bpm: null, key: "", duration_ms: null },
                                  vdj.parseDatabase(text, true), true)""", [database.read_text(encoding="utf-8")])
    assert (round(found["bpm"], 2), found["key"], found["duration_ms"]) == (102.0, "C", 174900)
