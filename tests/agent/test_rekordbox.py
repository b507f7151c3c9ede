"""rekordbox 6/7: an SQLCipher master.db with rekordbox's own schema (pyrekordbox's
table definitions), encrypted with a test key, read as the agent reads it."""

from datetime import datetime, timezone

import pytest

pytest.importorskip("pyrekordbox", reason="pyrekordbox is the agent's rekordbox reader (Python 3.11+)")

from pika_dj.sources import SourceError  # noqa: E402
from pika_dj.sources.rekordbox import RekordboxSource  # noqa: E402

TEST_KEY = "402fd" + "7e57" * 14 + "abc"  # not rekordbox's key: any file made here needs this one


def make_master_db(path, histories):
    """A master.db as rekordbox writes it: every djmd table, encrypted with TEST_KEY."""
    from pyrekordbox.masterdb import models
    from sqlalchemy import create_engine
    from sqlcipher3 import dbapi2 as sqlcipher

    engine = create_engine(f"sqlite+pysqlcipher://:{TEST_KEY}@/{path}", module=sqlcipher)
    models.Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlcipher.connect(str(path))
    connection.execute(f"PRAGMA key = '{TEST_KEY}'")
    stamp = "2026-03-14 20:00:00.000 +00:00"

    def insert(table, columns, values, created_at=stamp, deleted=0):
        row = dict(zip(columns.split(", "), values))
        row.update(UUID=f"uuid-{table}-{values[0]}", rb_local_deleted=deleted, created_at=created_at, updated_at=stamp)
        for column in models.Base.metadata.tables[table].columns:
            if column.name not in row and not column.nullable:  # rekordbox fills every such column
                row[column.name] = 0 if column.type.python_type is int else ""
        marks = ", ".join("?" * len(row))
        connection.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", tuple(row.values()))

    insert("djmdArtist", "ID, Name", ("a1", "Ella Henderson"))
    insert("djmdArtist", "ID, Name", ("a2", "Simon & Garfunkel"))
    insert("djmdAlbum", "ID, Name", ("al1", "Chapter One"))
    insert("djmdKey", "ID, ScaleName", ("k1", "Dm"))
    insert("djmdContent", "ID, Title, ArtistID, AlbumID, KeyID, BPM, Length, FolderPath",
           ("c1", "Ghost (WCS Edit)", "a1", "al1", "k1", 9800, 213, "/Music/ghost.mp3"))
    insert("djmdContent", "ID, Title, ArtistID, BPM, Length, FolderPath",
           ("c2", "Cecilia", "a2", 10200, 175, "/Music/cecilia.mp3"))
    for history_id, created, songs in histories:
        insert("djmdHistory", "ID, Name", (history_id, created[:10]), created_at=created)
        for number, (song_id, content_id, played, *deleted) in enumerate(songs, 1):
            insert("djmdSongHistory", "ID, HistoryID, ContentID, TrackNo", (song_id, history_id, content_id, number),
                   created_at=played, deleted=1 if deleted else 0)
    connection.commit()
    connection.close()


@pytest.fixture
def master_db(tmp_path):
    path = tmp_path / "rekordbox" / "master.db"
    path.parent.mkdir()
    make_master_db(path, [
        ("h1", "2026-03-13 21:00:00.000 +00:00", [("s1", "c2", "2026-03-13 21:10:00.000 +00:00")]),
        ("h2", "2026-03-14 21:00:00.000 +00:00", [
            ("s2", "c1", "2026-03-14 22:47:00.000 +00:00"),
            ("s3", "c2", "2026-03-14 22:51:00.000 +00:00"),
            ("s4", "c1", "2026-03-14 23:03:00.000 +00:00"),
            ("s5", "c2", "2026-03-14 23:05:00.000 +00:00", "deleted"),
        ]),
    ])
    return path


def test_the_file_is_really_encrypted(master_db):
    import sqlite3

    assert not master_db.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(master_db).execute("SELECT * FROM djmdContent").fetchall()


def test_reads_every_play_of_the_two_newest_histories_with_tags(master_db):
    plays = RekordboxSource(master_db.parent, key=TEST_KEY).read()

    assert [(p.artist, p.title, p.played_at) for p in plays] == [
        ("Simon & Garfunkel", "Cecilia", datetime(2026, 3, 13, 21, 10, tzinfo=timezone.utc)),
        ("Ella Henderson", "Ghost (WCS Edit)", datetime(2026, 3, 14, 22, 47, tzinfo=timezone.utc)),
        ("Simon & Garfunkel", "Cecilia", datetime(2026, 3, 14, 22, 51, tzinfo=timezone.utc)),
        ("Ella Henderson", "Ghost (WCS Edit)", datetime(2026, 3, 14, 23, 3, tzinfo=timezone.utc)),
    ]
    ghost = plays[1]
    assert (ghost.album, ghost.bpm, ghost.key, ghost.duration_ms, ghost.path) == (
        "Chapter One", 98.0, "Dm", 213000, "/Music/ghost.mp3")
    # The same song twice is two plays, and a resend names each play the same way.
    assert plays[1].source_id != plays[3].source_id
    assert [p.source_id for p in plays] == [p.source_id for p in RekordboxSource(master_db, key=TEST_KEY).read()]


def test_opened_read_only_the_file_is_not_changed(master_db):
    before = (master_db.read_bytes(), master_db.stat().st_mtime_ns)
    RekordboxSource(master_db, key=TEST_KEY).read()
    assert (master_db.read_bytes(), master_db.stat().st_mtime_ns) == before
    assert not (master_db.parent / "master.db-journal").exists()


def test_a_wrong_key_is_a_clear_error(master_db):
    with pytest.raises(SourceError, match="cannot read the rekordbox database .*master.db"):
        RekordboxSource(master_db, key="402fd" + "0" * 59).read()


def test_a_missing_database_names_its_path(tmp_path):
    with pytest.raises(SourceError, match="rekordbox database not found: .*master.db"):
        RekordboxSource(tmp_path).read()
