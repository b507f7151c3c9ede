"""VirtualDJ history playlists: every way the file can look when the agent reads it."""

import os
import shutil
import time
from datetime import datetime, timezone

import pytest

from pika_dj.sources.virtualdj import VirtualDJSource, parse_history
from tests.agent.conftest import FIXTURES
from tests.agent.conftest import vdj_entry as entry

GHOST_PATH = r"C:\Users\dj\Music\WCS\Ella Henderson - Ghost (WCS Edit).mp3"


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))


@pytest.fixture
def history(tmp_path):
    folder = tmp_path / "VirtualDJ" / "History"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def fixture_history(tmp_path):
    home = tmp_path / "VirtualDJ"
    shutil.copytree(FIXTURES / "virtualdj", home)
    os.remove(home / "History" / "2009-06-01.m3u")
    return home / "History"


def test_reads_every_play_with_its_tags(fixture_history):
    plays = VirtualDJSource(fixture_history).read()

    assert [(p.artist, p.title) for p in plays] == [
        ("Ella Henderson", "Ghost (WCS Edit)"),
        ("Shawn Mendes & Camila Cabello", "Señorita"),
        ("Simon & Garfunkel", "Cecilia"),
        ("Bruno Mars", "Treasure"),
        ("Ella Henderson", "Ghost (WCS Edit)"),
    ]
    ghost = plays[0]
    assert ghost.played_at == utc(2026, 3, 14, 22, 47)
    assert ghost.duration_ms == 213412
    assert ghost.path == GHOST_PATH
    assert plays[1].album == "Romance"
    assert (plays[1].bpm, plays[1].key) == (117.0, "Am")


def test_utf8_byte_order_mark_does_not_hide_the_first_play(fixture_history):
    assert (fixture_history / "2026-03-14.m3u").read_bytes().startswith(b"\xef\xbb\xbf#EXTVDJ:")
    assert VirtualDJSource(fixture_history).read()[0].artist == "Ella Henderson"


def test_same_song_twice_is_two_plays(fixture_history):
    plays = VirtualDJSource(fixture_history).read()
    ghosts = [p for p in plays if p.title == "Ghost (WCS Edit)"]

    assert [p.played_at for p in ghosts] == [utc(2026, 3, 14, 22, 47), utc(2026, 3, 14, 23, 3)]
    assert ghosts[0].source_id != ghosts[1].source_id


def test_ampersand_raw_or_escaped(fixture_history):
    plays = VirtualDJSource(fixture_history).read()
    assert plays[1].artist == "Shawn Mendes & Camila Cabello"  # written as &amp;
    assert plays[2].artist == "Simon & Garfunkel"  # written raw


def test_tag_order_varies_and_missing_tags_fall_back_to_the_file_name(fixture_history):
    plays = VirtualDJSource(fixture_history).read()
    # Señorita's tags come in another order; Treasure has no artist or title tags.
    assert (plays[1].artist, plays[1].title) == ("Shawn Mendes & Camila Cabello", "Señorita")
    assert (plays[3].artist, plays[3].title) == ("Bruno Mars", "Treasure")
    assert plays[3].played_at == utc(2026, 3, 14, 22, 59)


def test_bpm_and_key_come_from_database_xml(fixture_history):
    plays = VirtualDJSource(fixture_history).read()
    # database.xml stores seconds per beat: 0.612245 s → 98 BPM.
    assert (round(plays[0].bpm, 1), plays[0].key) == (98.0, "Dm")
    assert (round(plays[2].bpm, 1), plays[2].key, plays[2].duration_ms) == (102.0, "C", 174900)
    # A BPM tag in the history wins over the database.
    assert plays[1].bpm == 117.0


def test_cp1252_from_old_windows_builds(tmp_path):
    folder = tmp_path / "History"
    folder.mkdir()
    shutil.copy(FIXTURES / "virtualdj" / "History" / "2009-06-01.m3u", folder)

    plays = VirtualDJSource(folder).read()

    assert [(p.artist, p.title) for p in plays] == [
        ("Beyoncé", "Café Olé"),
        ("Destiny’s Child", "Say My Name"),
    ]


def test_utf16_with_byte_order_mark(history):
    (history / "2026-03-14.m3u").write_bytes(
        entry(1773528420, "Beyoncé", "Halo", r"C:\m\halo.mp3").encode("utf-16")
    )
    assert [(p.artist, p.title) for p in VirtualDJSource(history).read()] == [("Beyoncé", "Halo")]


def test_half_written_last_line_waits_until_complete(history):
    playlist = history / "2026-03-14.m3u"
    complete = entry(1773528420, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3")
    write(playlist, complete + "#EXTVDJ:<lastplaytime>1773528660</lastplaytime><artist>Sam Sm")
    source = VirtualDJSource(history, settle_seconds=60)

    assert [p.title for p in source.read()] == ["Ghost"]

    # The #EXTVDJ line is finished, its path line is still being written.
    write(playlist, complete + "#EXTVDJ:<lastplaytime>1773528660</lastplaytime><artist>Sam Smith</artist>"
          "<title>Stay With Me</title>\r\nC:\\m\\Sam Smith - Stay")
    assert [p.title for p in source.read()] == ["Ghost"]

    write(playlist, complete + entry(1773528660, "Sam Smith", "Stay With Me", r"C:\m\Sam Smith - Stay With Me.mp3"))
    plays = source.read()
    assert [p.title for p in plays] == ["Ghost", "Stay With Me"]
    assert plays[1].path == r"C:\m\Sam Smith - Stay With Me.mp3"


def test_unterminated_last_line_counts_once_the_file_settles(history):
    playlist = history / "2026-03-14.m3u"
    write(playlist, entry(1773528420, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3").rstrip("\r\n"))
    source = VirtualDJSource(history, settle_seconds=60)
    assert source.read() == []

    settled = time.time() - 120
    os.utime(playlist, (settled, settled))
    assert [p.path for p in source.read()] == [r"C:\m\ghost.mp3"]


def test_file_rewritten_rather_than_appended_keeps_source_ids(history):
    playlist = history / "2026-03-14.m3u"
    first = entry(1773528420, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3")
    second = entry(1773528660, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3")
    write(playlist, first + second)
    source = VirtualDJSource(history)
    before = [p.source_id for p in source.read()]

    # Rewritten from scratch: new BOM, LF line endings, one more play.
    third = entry(1773528900, "Bruno Mars", "Treasure", r"C:\m\treasure.mp3")
    playlist.write_bytes(b"\xef\xbb\xbf" + (first + second + third).replace("\r\n", "\n").encode())
    after = [p.source_id for p in source.read()]

    assert after[:2] == before
    assert len(set(after)) == 3


def test_follows_the_new_file_after_midnight(history):
    def age(path, seconds):
        stamp = time.time() - seconds
        os.utime(path, (stamp, stamp))

    write(history / "2026-03-12.m3u", entry(1773300000, "Older", "Set", r"C:\m\older.mp3"))
    age(history / "2026-03-12.m3u", 2 * 86400)
    write(history / "2026-03-13.m3u", entry(1773400000, "Last night", "Set", r"C:\m\old.mp3"))
    age(history / "2026-03-13.m3u", 86400)
    today = history / "2026-03-14.m3u"
    write(today, entry(1773528420, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    age(today, 600)
    source = VirtualDJSource(history)
    # The two most recently written files: enough to cross midnight, not the whole archive.
    assert [p.title for p in source.read()] == ["Set", "Ghost"]

    write(history / "2026-03-15.m3u", entry(1773536400, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3"))
    # A last line VirtualDJ appended to the old day's file just before switching is not missed.
    with open(today, "ab") as playlist:
        playlist.write(entry(1773536100, "Bruno Mars", "Treasure", r"C:\m\treasure.mp3").encode())
    age(today, 300)

    assert [p.title for p in source.read()] == ["Ghost", "Treasure", "Stay With Me"]


def test_a_set_that_keeps_writing_the_same_day_file_after_midnight(paris_time):
    lines = (
        "#EXTVDJ:<time>23:58</time><artist>Sam Smith</artist><title>Stay With Me</title>\r\nC:\\m\\stay.mp3\r\n"
        "#EXTVDJ:<time>00:02</time><artist>Bruno Mars</artist><title>Treasure</title>\r\nC:\\m\\treasure.mp3\r\n"
    ).splitlines()
    plays = parse_history(lines, file_day=datetime(2026, 3, 14).date())

    assert [p.played_at.isoformat() for p in plays] == [
        "2026-03-14T23:58:00+01:00",
        "2026-03-15T00:02:00+01:00",
    ]


def test_tracklist_txt_when_history_playlists_are_off(history, paris_time):
    shutil.copy(FIXTURES / "virtualdj" / "tracklist.txt", history.parent)

    plays = VirtualDJSource(history).read()

    assert [(p.artist, p.title, p.played_at.isoformat()) for p in plays] == [
        ("Ella Henderson", "Ghost (WCS Edit)", "2026-03-14T22:47:00+01:00"),
        ("Shawn Mendes & Camila Cabello", "Señorita", "2026-03-14T22:51:00+01:00"),
        ("Sam Smith", "Stay With Me", "2026-03-14T23:58:00+01:00"),
        ("Bruno Mars", "Treasure", "2026-03-15T00:02:00+01:00"),
    ]
    assert len({p.source_id for p in plays}) == 4


def test_tracklist_same_song_twice_is_two_plays(history):
    write(history / "tracklist.txt", "VirtualDJ History 2026/03/14\n\n22:47 : A - B\n22:47 : A - B\n23:10 : A - B\n")
    assert len({p.source_id for p in VirtualDJSource(history).read()}) == 3


def test_accepts_the_virtualdj_home_folder(fixture_history):
    assert VirtualDJSource(fixture_history.parent).history_dir == fixture_history
