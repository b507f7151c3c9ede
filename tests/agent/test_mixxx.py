"""Mixxx: the newest history (set log) playlists of mixxxdb.sqlite."""

import sqlite3
from datetime import datetime, timezone

import pytest

from pika_dj.sources.mixxx import MixxxSource
from tests.agent.conftest import FIXTURES


@pytest.fixture
def mixxxdb(tmp_path):
    path = tmp_path / "mixxxdb.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript((FIXTURES / "mixxxdb.sql").read_text(encoding="utf-8"))
    db.close()
    return path


def test_reads_the_newest_history_playlists_by_creation_only(mixxxdb):
    plays = MixxxSource(mixxxdb).read()

    # Not the oldest set log (though its id is the highest), the normal playlist or Auto DJ.
    assert [(p.artist, p.title) for p in plays] == [
        ("Christina Aguilera", "Hurt"),
        ("Bruno Mars", "Treasure"),
        ("Ella Henderson", "Ghost (WCS Edit)"),
        ("Christina Aguilera", "Hurt"),
        ("Ella Henderson", "Ghost (WCS Edit)"),
    ]


def test_track_details(mixxxdb):
    ghost = MixxxSource(mixxxdb).read()[2]
    assert ghost.played_at == datetime(2026, 3, 14, 22, 47, tzinfo=timezone.utc)
    assert (ghost.album, ghost.bpm, ghost.key, ghost.duration_ms) == ("Chapter One", 98.0, "Dm", 213412)
    assert ghost.path == "/home/dj/Music/Ghost.mp3"


def test_missing_details_stay_empty(mixxxdb):
    hurt = MixxxSource(mixxxdb).read()[3]
    assert (hurt.album, hurt.bpm, hurt.key, hurt.duration_ms) == ("", None, "", None)


def test_same_song_twice_is_two_plays(mixxxdb):
    ghosts = [p for p in MixxxSource(mixxxdb).read() if p.title == "Ghost (WCS Edit)"]
    assert len({p.source_id for p in ghosts}) == 2


def test_iso_timestamps_with_a_zone(mixxxdb):
    with sqlite3.connect(mixxxdb) as db:
        db.execute("UPDATE PlaylistTracks SET pl_datetime_added = '2026-03-14T23:47:00.000+01:00' WHERE id = 5")
    db.close()
    ghost = MixxxSource(mixxxdb).read()[2]
    assert ghost.played_at == datetime(2026, 3, 14, 22, 47, tzinfo=timezone.utc)


def test_accepts_the_settings_folder(mixxxdb):
    assert MixxxSource(mixxxdb.parent).database == mixxxdb
