"""Mixxx: the history ("set log") playlists of its `mixxxdb.sqlite` library.

How Mixxx writes them (res/schema.xml, PlaylistDAO, SetlogFeature in mixxxdj/mixxx):
each start of Mixxx, and each "Finish current and start new", creates a hidden
playlist (`Playlists.hidden = 2`) named with the local date, then `<date> #2`, …;
each play is one `PlaylistTracks` row (`position = max + 1`, `pl_datetime_added =
CURRENT_TIMESTAMP`, UTC). Both tables' ids are plain `INTEGER PRIMARY KEY`, so
SQLite hands a deleted newest row's id to the next insert; "Join with previous"
copies rows into the older playlist with new ids but the same track and time; at
start Mixxx may delete history playlists with fewer than N tracks.

So a play is named by what survives all of that: the track and the time it was
added, with an occurrence counter for the same track at the same second.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from pika_dj.sources._sqlite import read_rows
from pika_dj.tracks import Play, short_digest

SET_LOG = 2  # Mixxx's PlaylistDAO::PLHT_SET_LOG
# The newest history is this set; the ones before it cover a restart of Mixxx
# and "Finish current and start new" while the agent runs.
RECENT_SET_LOGS = 3


class MixxxSource:
    name = "Mixxx"

    def __init__(self, database: str | Path):
        path = Path(database).expanduser()
        if path.is_dir():  # Mixxx's settings folder
            path = path / "mixxxdb.sqlite"
        self.database = path

    @property
    def key(self) -> str:
        # "play:" since plays are named by track and time, not by row id: a set
        # started by an older agent takes a fresh baseline instead of reposting.
        return f"mixxx-play:{self.database.resolve()}"

    def describe(self) -> str:
        return f"Mixxx history in {self.database}"

    def read(self) -> list[Play]:
        rows = read_rows(self.database, "Mixxx", self._query)
        plays, seen = [], Counter()
        for row in rows:
            identity = (row["playlist_id"], row["track_id"], row["pl_datetime_added"])
            seen[identity] += 1
            plays.append(self._play(row, seen[identity]))
        return plays

    @staticmethod
    def _query(connection):
        # Newest by creation: a new history can get the id of a deleted one.
        return connection.execute(
            """
            WITH recent AS (
                SELECT id, date_created FROM Playlists WHERE hidden = ?
                ORDER BY date_created DESC, id DESC LIMIT ?
            )
            SELECT pt.playlist_id, pt.track_id, pt.pl_datetime_added,
                   library.artist, library.title, library.album,
                   library.bpm, library.key, library.duration, track_locations.location
            FROM PlaylistTracks pt
            JOIN recent ON recent.id = pt.playlist_id
            JOIN library ON library.id = pt.track_id
            LEFT JOIN track_locations ON track_locations.id = library.location
            ORDER BY recent.date_created, pt.playlist_id, pt.position, pt.id
            """,
            (SET_LOG, RECENT_SET_LOGS),
        ).fetchall()

    @staticmethod
    def _play(row, occurrence: int) -> Play:
        duration = row["duration"] or 0
        added = row["pl_datetime_added"] or ""
        return Play(
            source_id=f"mixxx-{short_digest(str(row['track_id']), added)}-{occurrence}",
            artist=row["artist"] or "",
            title=row["title"] or "",
            album=row["album"] or "",
            played_at=parse_timestamp(added),
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
