"""Engine DJ (Denon DJ players and Engine DJ Desktop): its SQLite history.

Engine DJ 2 and later keep the library in `Engine Library/Database2/m.db` and the
history in `hm.db` beside it: `Historylist` (one per session) and
`HistorylistEntity` (one row per play: `trackId`, `startTime` in Unix seconds);
the track's tags are in m.db's `Track`. Engine 1.x kept the history tables in m.db
itself. Keys are numbers 0–23 round the circle of fifths (0 = C, 1 = Am, …).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.sources._sqlite import read_rows, table_names
from pika_dj.tracks import Play

KEYS = ["C", "Am", "G", "Em", "D", "Bm", "A", "F#m", "E", "C#m", "B", "G#m",
        "F#", "Ebm", "Db", "Bbm", "Ab", "Fm", "Eb", "Cm", "Bb", "Gm", "F", "Dm"]
# The newest session is this set; the one before covers a restart of Engine DJ.
RECENT_SESSIONS = 2


class EngineSource:
    name = "Engine DJ"

    def __init__(self, folder: str | Path):
        path = Path(folder).expanduser()
        for candidate in (path / "Database2", path / "Engine Library" / "Database2"):
            if candidate.is_dir():
                path = candidate
                break
        if path.is_file():  # m.db or hm.db itself
            path = path.parent
        self.folder = path

    @property
    def key(self) -> str:
        return f"engine:{self.folder.resolve()}"

    def describe(self) -> str:
        return f"Engine DJ history in {self.folder}"

    def read(self) -> list[Play]:
        library = self.folder / "m.db"
        history = self.folder / "hm.db"
        if not library.is_file():
            raise SourceError(f"Engine DJ library not found: {library}")
        rows = read_rows(library, "Engine DJ", lambda c: self._query(c, history))
        return [self._play(row, self.folder) for row in rows]

    @staticmethod
    def _query(connection: sqlite3.Connection, history: Path):
        schema = "main"
        if history.is_file():
            connection.execute("ATTACH DATABASE ? AS history", (f"{history.resolve().as_uri()}?mode=ro",))
            schema = "history"
        tables = {name.lower() for name in table_names(connection)}
        if schema == "history":
            tables = {row[0].lower() for row in connection.execute(
                "SELECT name FROM history.sqlite_master WHERE type = 'table'")}
        if "historylistentity" not in tables:
            raise sqlite3.OperationalError("no history tables (Historylist, HistorylistEntity)")
        return connection.execute(
            f"""
            SELECT he.id, he.listId, he.startTime, t.title, t.artist, t.album, t.bpmAnalyzed, t.bpm,
                   t.key, t.length, t.path
            FROM {schema}.HistorylistEntity he
            JOIN main.Track t ON t.id = he.trackId
            WHERE he.listId IN (SELECT id FROM {schema}.Historylist ORDER BY startTime DESC, id DESC LIMIT ?)
            ORDER BY he.startTime, he.id
            """,
            (RECENT_SESSIONS,),
        ).fetchall()

    @staticmethod
    def _play(row, folder: Path) -> Play:
        start = row["startTime"] or 0
        key = row["key"]
        length = row["length"] or 0
        return Play(
            source_id=f"engine-{row['listId']}-{row['id']}",
            artist=row["artist"] or "",
            title=row["title"] or "",
            album=row["album"] or "",
            played_at=datetime.fromtimestamp(start, tz=timezone.utc) if start > 0 else None,
            bpm=row["bpmAnalyzed"] or row["bpm"] or None,
            key=KEYS[key] if isinstance(key, int) and 0 <= key < len(KEYS) else "",
            duration_ms=int(length * 1000) or None,
            # Engine stores paths relative to the Engine Library folder ("../Music/x.mp3").
            path=os.path.normpath(folder.parent / row["path"]) if row["path"] else "",
        )
