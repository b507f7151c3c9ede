"""Serato DJ 4: played rows of the newest history sessions in master.sqlite."""

import sqlite3
from datetime import datetime, timezone

import pytest

from pika_dj.sources import SourceError
from pika_dj.sources.serato import SeratoSource
from tests.agent.conftest import FIXTURES


@pytest.fixture
def master(tmp_path):
    library = tmp_path / "Serato" / "Library"
    library.mkdir(parents=True)
    path = library / "master.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / "serato_master.sql").read_text(encoding="utf-8"))
    db.close()
    return path


def test_reads_played_tracks_of_the_two_newest_sessions(master):
    plays = SeratoSource(master).read()

    assert [(p.artist, p.title) for p in plays] == [
        ("Sam Smith", "Stay With Me"),
        ("Ella Henderson", "Ghost (WCS Edit)"),
        ("Shawn Mendes & Camila Cabello", "Señorita"),
        ("Ella Henderson", "Ghost (WCS Edit)"),
    ]
    ghost = plays[1]
    assert ghost.played_at == datetime(2026, 3, 14, 22, 47, tzinfo=timezone.utc)
    assert (ghost.album, ghost.bpm, ghost.key, ghost.duration_ms) == ("Chapter One", 98.0, "8A", 213412)
    assert plays[2].duration_ms == 191000  # only length_sec known


def test_loaded_but_never_played_is_not_a_play(master):
    assert "Hurt" not in [p.title for p in SeratoSource(master).read()]


def test_same_song_twice_is_two_plays(master):
    ghosts = [p for p in SeratoSource(master).read() if p.title == "Ghost (WCS Edit)"]
    assert len({p.source_id for p in ghosts}) == 2


def test_audio_path_is_rebuilt_from_the_volume(master):
    plays = SeratoSource(master).read()
    assert plays[1].path == "/Users/dj/Music/WCS/Ghost.mp3"  # boot drive
    assert plays[2].path == "/Volumes/GIGS/Music/Senorita.mp3"  # external drive


def test_new_rows_appear_while_serato_writes(master):
    source = SeratoSource(master)
    before = source.read()
    with sqlite3.connect(master) as db:
        db.execute(
            "INSERT INTO history_entry (artist, name, session_id, start_time, played) "
            "VALUES ('Bruno Mars', 'Treasure', 3, 1773529600, 1)"
        )
    db.close()
    after = source.read()
    assert [p.source_id for p in after[:-1]] == [p.source_id for p in before]
    assert (after[-1].artist, after[-1].title) == ("Bruno Mars", "Treasure")


def test_accepts_the_library_folder(master):
    assert SeratoSource(master.parent).database == master


def test_missing_database_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="Serato database not found"):
        SeratoSource(tmp_path / "master.sqlite").read()
