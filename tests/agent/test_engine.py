"""Engine DJ: m.db (tracks) and hm.db (history) as Engine DJ 2+ writes them, and the
single m.db of Engine 1.x; fixtures made by the test."""

import sqlite3
from datetime import datetime, timezone

import pytest

from pika_dj.sources import SourceError
from pika_dj.sources.engine import EngineSource

TRACKS = """
CREATE TABLE Track (id INTEGER PRIMARY KEY AUTOINCREMENT, length INTEGER, bpm INTEGER, year INTEGER,
  path TEXT, filename TEXT, bitrate INTEGER, bpmAnalyzed REAL, albumArtId INTEGER, fileBytes INTEGER,
  title TEXT, artist TEXT, album TEXT, genre TEXT, comment TEXT, label TEXT, composer TEXT,
  remixer TEXT, key INTEGER, rating INTEGER);
INSERT INTO Track (id, length, bpm, path, filename, bpmAnalyzed, title, artist, album, key)
  VALUES (1, 213, 98, '../Music/ghost.mp3', 'ghost.mp3', 98.02, 'Ghost (WCS Edit)', 'Ella Henderson', 'Chapter One', 23),
         (2, 175, 102, '../Music/cecilia.mp3', 'cecilia.mp3', NULL, 'Cecilia', 'Simon & Garfunkel', NULL, 0);
"""
HISTORY = """
CREATE TABLE Historylist (id INTEGER PRIMARY KEY AUTOINCREMENT, sessionId TEXT, title TEXT,
  startTime DATETIME, timezone TEXT, originDriveName TEXT, originDatabaseUuid TEXT,
  originListId INTEGER, isDeleted BOOLEAN, editTime DATETIME);
CREATE TABLE HistorylistEntity (id INTEGER PRIMARY KEY AUTOINCREMENT, listId INTEGER,
  trackId INTEGER, startTime DATETIME);
INSERT INTO Historylist (id, sessionId, startTime, timezone, isDeleted)
  VALUES (1, '107000001', 1773349200, 'Europe/Paris', 0), (2, '107000002', 1773435600, 'Europe/Paris', 0),
         (3, '107000003', 1773522000, 'Europe/Paris', 0);
INSERT INTO HistorylistEntity (listId, trackId, startTime)
  VALUES (1, 2, 1773349300), (2, 2, 1773435700), (3, 1, 1773528420), (3, 2, 1773528660), (3, 1, 1773529380);
"""


def make(path, script):
    connection = sqlite3.connect(path)
    connection.executescript(script)
    connection.close()


@pytest.fixture
def engine_library(tmp_path):
    folder = tmp_path / "Engine Library" / "Database2"
    folder.mkdir(parents=True)
    make(folder / "m.db", TRACKS)
    make(folder / "hm.db", HISTORY)
    return tmp_path


def utc(stamp):
    return datetime.fromtimestamp(stamp, timezone.utc)


def test_reads_the_two_newest_sessions_from_hm_db_with_the_tracks_tags(engine_library):
    plays = EngineSource(engine_library).read()

    assert [(p.artist, p.title, p.played_at) for p in plays] == [
        ("Simon & Garfunkel", "Cecilia", utc(1773435700)),
        ("Ella Henderson", "Ghost (WCS Edit)", utc(1773528420)),
        ("Simon & Garfunkel", "Cecilia", utc(1773528660)),
        ("Ella Henderson", "Ghost (WCS Edit)", utc(1773529380)),
    ]
    ghost, cecilia = plays[1], plays[2]
    assert (ghost.album, ghost.bpm, ghost.key, ghost.duration_ms) == ("Chapter One", 98.02, "Dm", 213000)
    assert ghost.path == str(engine_library / "Music" / "ghost.mp3")  # relative to the Engine Library folder
    assert (cecilia.bpm, cecilia.key) == (102, "C")  # not analysed: the tag's BPM
    assert plays[1].source_id != plays[3].source_id
    assert [p.source_id for p in EngineSource(engine_library / "Engine Library" / "Database2" / "hm.db").read()] == [
        p.source_id for p in plays]


def test_engine_1_kept_the_history_in_m_db(tmp_path):
    make(tmp_path / "m.db", TRACKS + HISTORY)
    assert [p.title for p in EngineSource(tmp_path).read()] == [
        "Cecilia", "Ghost (WCS Edit)", "Cecilia", "Ghost (WCS Edit)"]


def test_read_only_the_files_are_not_changed(engine_library):
    folder = engine_library / "Engine Library" / "Database2"
    before = {name: (folder / name).read_bytes() for name in ("m.db", "hm.db")}
    EngineSource(engine_library).read()
    assert {name: (folder / name).read_bytes() for name in ("m.db", "hm.db")} == before


def test_a_library_without_history_tables_is_a_clear_error(tmp_path):
    make(tmp_path / "m.db", TRACKS)
    with pytest.raises(SourceError, match="cannot read the Engine DJ database .*no history tables"):
        EngineSource(tmp_path).read()


def test_a_missing_library_names_its_path(tmp_path):
    with pytest.raises(SourceError, match="Engine DJ library not found: .*m.db"):
        EngineSource(tmp_path).read()
