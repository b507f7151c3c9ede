"""Reading a DJ program's SQLite library while the program writes to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pika_dj.sources import SourceError


def read_rows(path: Path, program: str, query) -> list[sqlite3.Row]:
    """Run `query(connection)` on a read-only connection, closed right after.

    Read-only, so the agent can never damage the DJ's library; short-lived, so
    it never holds a lock the DJ software is waiting for.
    """
    if not path.is_file():
        raise SourceError(f"{program} database not found: {path}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error as error:
        raise SourceError(f"cannot open the {program} database {path}: {error}") from error
    try:
        connection.row_factory = sqlite3.Row
        return query(connection)
    except sqlite3.Error as error:
        raise SourceError(f"cannot read the {program} database {path}: {error}") from error
    finally:
        connection.close()


def table_names(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}
