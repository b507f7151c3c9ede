"""Mixxx: the history ("set log") playlists of its `mixxxdb.sqlite` library.

Mixxx adds each played track to a hidden playlist (`Playlists.hidden = 2`), one
per session, stamping `pl_datetime_added` with SQLite's CURRENT_TIMESTAMP (UTC).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pika_dj.sources._sqlite import read_rows
from pika_dj.tracks import Play

SET_LOG = 2  # Mixxx's PlaylistDAO::PLHT_SET_LOG
# The newest set log is this set; the one before covers a restart of Mixxx.
RECENT_SET_LOGS = 2


class MixxxSource:
    name = "Mixxx"

    def __init__(self, database: str | Path):
        path = Path(database).expanduser()
        if path.is_dir():  # Mixxx's settings folder
            path = path / "mixxxdb.sqlite"
        self.database = path

    @property
    def key(self) -> str:
        return f"mixxx:{self.database.resolve()}"

    def describe(self) -> str:
        return f"Mixxx history in {self.database}"

    def read(self) -> list[Play]:
        return [self._play(row) for row in read_rows(self.database, "Mixxx", self._query)]

    @staticmethod
    def _query(connection):
        return connection.execute(
            """
            SELECT pt.id, pt.pl_datetime_added, library.artist, library.title, library.album,
                   library.bpm, library.key, library.duration, track_locations.location
            FROM PlaylistTracks pt
            JOIN library ON library.id = pt.track_id
            LEFT JOIN track_locations ON track_locations.id = library.location
            WHERE pt.playlist_id IN (
                SELECT id FROM Playlists WHERE hidden = ? ORDER BY id DESC LIMIT ?
            )
            ORDER BY pt.playlist_id, pt.position, pt.id
            """,
            (SET_LOG, RECENT_SET_LOGS),
        ).fetchall()

    @staticmethod
    def _play(row) -> Play:
        duration = row["duration"] or 0
        return Play(
            source_id=f"mixxx-{row['id']}",
            artist=row["artist"] or "",
            title=row["title"] or "",
            album=row["album"] or "",
            played_at=parse_timestamp(row["pl_datetime_added"]),
            bpm=row["bpm"] or None,
            key=row["key"] or "",
            duration_ms=round(duration * 1000) or None,
            path=row["location"] or "",
        )


def parse_timestamp(value: str | None) -> datetime | None:
    """'2026-03-14 22:47:00' (UTC, as SQLite writes it), or ISO 8601 with a zone."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
