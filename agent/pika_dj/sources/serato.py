"""Serato DJ Pro / Lite 4: the history tables of its `Library/master.sqlite`.

Serato 4 writes a `history_entry` row when a track is loaded on a deck and sets
`played = 1` once it really plays; rows belong to a `history_session` (the open
one has no end time yet). Serato 3 and older wrote binary History/Sessions
files instead, which this source does not read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from pika_dj.sources._sqlite import read_rows, table_names
from pika_dj.tracks import Play

# The newest session is the set being played; the one before covers a session
# Serato rolled over while the agent was running.
RECENT_SESSIONS = 2


class SeratoSource:
    name = "Serato DJ"

    def __init__(self, database: str | Path):
        path = Path(database).expanduser()
        # Accept the Library folder (or Serato's own folder) as well as the file.
        for candidate in (path / "master.sqlite", path / "Library" / "master.sqlite"):
            if path.is_dir() and candidate.is_file():
                path = candidate
                break
        self.database = path

    @property
    def key(self) -> str:
        return f"serato:{self.database.resolve()}"

    def describe(self) -> str:
        return f"Serato DJ history in {self.database}"

    def read(self) -> list[Play]:
        return [self._play(row) for row in read_rows(self.database, "Serato", self._query)]

    @staticmethod
    def _query(connection):
        tables = table_names(connection)
        # Real installs keep the volume root in connection.database_uri; both are optional.
        location = "location.path" if "location" in tables else "NULL"
        joins = "LEFT JOIN location ON location.id = he.location_id" if "location" in tables else ""
        uri = "NULL"
        if "connection" in tables:
            uri = "(SELECT database_uri FROM connection WHERE connection.location_id = he.location_id LIMIT 1)"
        return connection.execute(
            f"""
            SELECT he.id, he.session_id, he.artist, he.name, he.album, he.bpm, he.key,
                   he.length_ms, he.length_sec, he.start_time, he.portable_id, he.file_name,
                   {location} AS location_path, {uri} AS connection_uri
            FROM history_entry he {joins}
            WHERE he.played = 1
              AND he.session_id IN (SELECT id FROM history_session ORDER BY id DESC LIMIT ?)
            ORDER BY he.start_time, he.id
            """,
            (RECENT_SESSIONS,),
        ).fetchall()

    @staticmethod
    def _play(row) -> Play:
        length_ms = row["length_ms"] or (row["length_sec"] or 0) * 1000
        start = row["start_time"] or 0
        return Play(
            source_id=f"serato-{row['session_id']}-{row['id']}",
            artist=row["artist"] or "",
            title=row["name"] or "",
            album=row["album"] or "",
            played_at=datetime.fromtimestamp(start, tz=timezone.utc) if start > 0 else None,
            bpm=row["bpm"] or None,
            key=row["key"] or "",
            duration_ms=int(length_ms) or None,
            path=audio_path(row["location_path"], row["connection_uri"], row["portable_id"] or row["file_name"] or ""),
        )


def audio_path(location_path: str | None, connection_uri: str | None, relative: str) -> str:
    """Serato stores a path relative to its volume; find the volume's root."""
    if not relative:
        return ""
    root = location_path or ""
    if not root and connection_uri:
        uri = connection_uri.replace("\\", "/")
        if uri.lower().endswith("/_serato_/library/location.sqlite"):
            root = uri[: -len("/_Serato_/Library/location.sqlite")] or "/"
        elif uri.lower().endswith("/library/root.sqlite"):
            root = "/"  # the boot drive: paths are relative to it
    if not root:
        return relative if PurePosixPath(relative).is_absolute() else ""
    return root.rstrip("/\\") + "/" + relative.lstrip("/\\")
