"""The agent's durable memory in --state-dir: the live set and every play it has seen.

One SQLite file, so "queue this play" and "remember it was seen" are one atomic
write: a crash at any instant leaves either both or neither. Plays are sent in
the order they were queued and marked sent only after the server answered; a
crash in between re-sends one play, which the server stores once (same
source_id). So nothing is lost and nothing is doubled across restarts.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

PENDING, SENT, SEEN, REJECTED = "pending", "sent", "seen", "rejected"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plays (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL UNIQUE,
    payload TEXT,
    status TEXT NOT NULL
);
"""


class StateLocked(Exception):
    """Another agent is running with the same state directory."""


@dataclass(frozen=True)
class QueuedTrack:
    seq: int
    payload: dict


class PlayQueue:
    def __init__(self, state_dir: str | Path):
        self.state_dir = Path(state_dir).expanduser()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._lock = _lock_file(self.state_dir / "agent.lock")
        self._db = sqlite3.connect(self.state_dir / "state.sqlite3", isolation_level=None)
        # FULL: a play counts as queued only once it is on disk.
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.executescript(SCHEMA)
        self._known = {row[0] for row in self._db.execute("SELECT source_id FROM plays")}

    def close(self) -> None:
        self._db.close()
        self._lock.close()

    # The live set this state belongs to.

    def session(self) -> dict | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = 'session'").fetchone()
        return json.loads(row[0]) if row else None

    def start_session(self, session: dict) -> None:
        """A new set: forget the previous set's plays and baselines."""
        with self._transaction():
            self._db.execute("DELETE FROM plays")
            self._db.execute("DELETE FROM meta")
            self._db.execute(
                "INSERT INTO meta (name, value) VALUES ('session', ?)", (json.dumps(session),)
            )
        self._known.clear()

    def clear_session(self) -> None:
        with self._transaction():
            self._db.execute("DELETE FROM plays")
            self._db.execute("DELETE FROM meta")
        self._known.clear()

    def has_baseline(self, source_key: str) -> bool:
        row = self._db.execute("SELECT 1 FROM meta WHERE name = ?", (f"baseline:{source_key}",))
        return row.fetchone() is not None

    def set_baseline(self, source_key: str, played_before: list[str]) -> None:
        """Plays already in the history when the set started are not this set's."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO plays (source_id, status) VALUES (?, ?)",
                [(source_id, SEEN) for source_id in played_before],
            )
            self._db.execute(
                "INSERT OR REPLACE INTO meta (name, value) VALUES (?, '1')",
                (f"baseline:{source_key}",),
            )
        self._known.update(played_before)

    # Plays.

    def is_known(self, source_id: str) -> bool:
        return source_id in self._known

    def enqueue(self, payload: dict) -> bool:
        """Queue a play for sending; False when its source_id was seen before."""
        source_id = payload["source_id"]
        if source_id in self._known:
            return False
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO plays (source_id, payload, status) VALUES (?, ?, ?)",
                (source_id, json.dumps(payload), PENDING),
            )
        self._known.add(source_id)
        return True

    def pending(self) -> list[QueuedTrack]:
        rows = self._db.execute(
            "SELECT seq, payload FROM plays WHERE status = ? ORDER BY seq", (PENDING,)
        )
        return [QueuedTrack(seq, json.loads(payload)) for seq, payload in rows]

    def pending_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM plays WHERE status = ?", (PENDING,)).fetchone()[0]

    def mark_sent(self, seq: int) -> None:
        self._set_status(seq, SENT)

    def mark_rejected(self, seq: int) -> None:
        self._set_status(seq, REJECTED)

    def _set_status(self, seq: int, status: str) -> None:
        with self._transaction():
            self._db.execute("UPDATE plays SET status = ? WHERE seq = ?", (status, seq))

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        if self.db.in_transaction:
            # One that Ctrl-C or SIGTERM cut off between its BEGIN and its COMMIT (the signal
            # raised there, past the rollback below). Its play was not marked known or sent,
            # so dropping its write loses nothing: the play is read or sent again.
            self.db.execute("ROLLBACK")
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, error_type, error, traceback):
        self.db.execute("ROLLBACK" if error_type else "COMMIT")
        return False


def _lock_file(path: Path):
    """An OS-level lock, released by the OS even when the agent is killed."""
    handle = open(path, "a+b")
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StateLocked(
            f"another pika-dj agent is already running with the state directory {path.parent}"
        ) from None
    return handle
