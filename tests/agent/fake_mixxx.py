"""A Mixxx library written the way Mixxx writes it, for the Mixxx source's tests.

The tables are those of Mixxx's res/schema.xml at the revisions that shaped them
(revision 1 for Playlists and PlaylistTracks with plain INTEGER PRIMARY KEY ids,
7 for library.key, 10 for Playlists.locked, 15 for pl_datetime_added). Each
method does what Mixxx does for one action of the DJ (SetlogFeature,
PlaylistDAO): the same rows, ids left to SQLite, so deleted ids are reused.
Times are given explicitly, in the UTC text SQLite's CURRENT_TIMESTAMP writes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

SCHEMA = """
CREATE TABLE track_locations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    location varchar(512) UNIQUE, filename varchar(512), directory varchar(512),
    filesize INTEGER, fs_deleted INTEGER, needs_verification INTEGER);
CREATE TABLE library (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    artist varchar(64), title varchar(64), album varchar(64), year varchar(16),
    genre varchar(64), tracknumber varchar(3),
    location INTEGER REFERENCES track_locations(location),
    comment varchar(256), url varchar(256), duration FLOAT, bitrate INTEGER,
    samplerate INTEGER, cuepoint INTEGER, bpm FLOAT, wavesummaryhex BLOB,
    channels INTEGER, datetime_added DEFAULT CURRENT_TIMESTAMP,
    mixxx_deleted INTEGER, played INTEGER, header_parsed INTEGER DEFAULT 0,
    filetype varchar(8) DEFAULT '?', replaygain FLOAT DEFAULT 0,
    timesplayed INTEGER DEFAULT 0, rating INTEGER DEFAULT 0, key varchar(8) DEFAULT '');
CREATE TABLE Playlists (
    id INTEGER PRIMARY KEY,
    name varchar(48), position INTEGER, hidden INTEGER DEFAULT 0 NOT NULL,
    date_created datetime, date_modified datetime, locked INTEGER DEFAULT 0);
CREATE TABLE PlaylistTracks (
    id INTEGER PRIMARY KEY,
    playlist_id INTEGER REFERENCES Playlists(id),
    track_id INTEGER REFERENCES library(id),
    position INTEGER, pl_datetime_added);
"""

SET_LOG = 2


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class FakeMixxx:
    def __init__(self, path, now: datetime):
        self.path = path
        self.now = now  # UTC, naive, as Mixxx's CURRENT_TIMESTAMP
        self.history_id = None
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self):
        return _Connection(self.path)

    def wait(self, **delta) -> None:
        self.now += timedelta(**delta)

    def add_track(self, artist, title, *, album="", bpm=None, key="", duration=None, location=None) -> int:
        with self._db() as db:
            location_id = None
            if location:
                location_id = db.execute(
                    "INSERT INTO track_locations (location, filename, directory) VALUES (?, ?, ?)",
                    (location, location.rsplit("/", 1)[-1], location.rsplit("/", 1)[0]),
                ).lastrowid
            return db.execute(
                "INSERT INTO library (artist, title, album, bpm, key, duration, location, mixxx_deleted)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (artist, title, album, bpm, key, duration, location_id),
            ).lastrowid

    # What the DJ does.

    def start(self, keep_histories_with_at_least: int = 1) -> None:
        """Mixxx starts: short histories are deleted, then today's history is created."""
        with self._db() as db:
            short = db.execute(
                "SELECT p.id FROM Playlists p WHERE p.hidden = ? AND p.locked = 0 AND"
                " (SELECT count(*) FROM PlaylistTracks t WHERE t.playlist_id = p.id) < ?",
                (SET_LOG, keep_histories_with_at_least),
            ).fetchall()
            for (playlist_id,) in short:
                self._delete_playlist(db, playlist_id)
        self.finish_and_start_new()

    def finish_and_start_new(self) -> None:
        """A new history named '<local date>', then '<date> #2', '#3', …"""
        with self._db() as db:
            base = self.now.date().isoformat()
            name, number = base, 1
            while db.execute("SELECT 1 FROM Playlists WHERE name = ?", (name,)).fetchone():
                number += 1
                name = f"{base} #{number}"
            position = (db.execute("SELECT max(position) FROM Playlists").fetchone()[0] or 0) + 1
            self.history_id = db.execute(
                "INSERT INTO Playlists (name, position, hidden, date_created, date_modified)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, position, SET_LOG, stamp(self.now), stamp(self.now)),
            ).lastrowid

    def play(self, track_id: int) -> None:
        """The track reaches the room: appended to the current history."""
        with self._db() as db:
            position = (
                db.execute(
                    "SELECT max(position) FROM PlaylistTracks WHERE playlist_id = ?", (self.history_id,)
                ).fetchone()[0]
                or 0
            ) + 1
            db.execute(
                "INSERT INTO PlaylistTracks (playlist_id, track_id, position, pl_datetime_added)"
                " VALUES (?, ?, ?, ?)",
                (self.history_id, track_id, position, stamp(self.now)),
            )

    def remove(self, position: int) -> None:
        """The DJ removes one row of the current history; later rows move up."""
        with self._db() as db:
            db.execute(
                "DELETE FROM PlaylistTracks WHERE playlist_id = ? AND position = ?", (self.history_id, position)
            )
            db.execute(
                "UPDATE PlaylistTracks SET position = position - 1 WHERE playlist_id = ? AND position >= ?",
                (self.history_id, position),
            )

    def join_with_previous(self, between=lambda: None) -> None:
        """The current history's rows are copied (new ids, same track and time) into
        the previous one, which becomes current; the current one is deleted.
        `between` runs after the copy and before the delete, two transactions apart."""
        with self._db() as db:
            previous = db.execute(
                "SELECT max(id) FROM Playlists WHERE id < ? AND hidden = ?", (self.history_id, SET_LOG)
            ).fetchone()[0]
            offset = (
                db.execute("SELECT max(position) FROM PlaylistTracks WHERE playlist_id = ?", (previous,)).fetchone()[0]
                or 0
            )
            db.execute(
                "INSERT INTO PlaylistTracks (playlist_id, track_id, position, pl_datetime_added)"
                " SELECT ?, track_id, position + ?, pl_datetime_added FROM PlaylistTracks WHERE playlist_id = ?",
                (previous, offset, self.history_id),
            )
        between()
        with self._db() as db:  # Mixxx deletes in a second transaction
            self._delete_playlist(db, self.history_id)
        self.history_id = previous

    def quit(self) -> None:
        """An empty history is deleted when Mixxx closes."""
        with self._db() as db:
            count = db.execute(
                "SELECT count(*) FROM PlaylistTracks WHERE playlist_id = ?", (self.history_id,)
            ).fetchone()[0]
            if count == 0:
                self._delete_playlist(db, self.history_id)
        self.history_id = None

    @staticmethod
    def _delete_playlist(db, playlist_id) -> None:
        db.execute("DELETE FROM Playlists WHERE id = ?", (playlist_id,))
        db.execute("DELETE FROM PlaylistTracks WHERE playlist_id = ?", (playlist_id,))


class _Connection:
    """One committed transaction per action, closed after, as another program's would be."""

    def __init__(self, path):
        self.db = sqlite3.connect(path)

    def __enter__(self):
        return self.db

    def __exit__(self, error_type, *_):
        if error_type is None:
            self.db.commit()
        self.db.close()
        return False
