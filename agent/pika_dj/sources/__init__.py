"""Readers for the play history of each supported DJ program.

Every source answers `read()` with the plays it can currently see (the recent
history, oldest first, each with a stable `source_id`). The agent remembers
which source_ids it has already queued, so a source never has to track what is
"new": a rewritten file, a restart or a repeated read cannot post a play twice.
"""

from __future__ import annotations

from typing import Protocol

from pika_dj.tracks import Play


class SourceError(Exception):
    """The history cannot be read right now (missing, locked, corrupt)."""


class Source(Protocol):
    name: str

    @property
    def key(self) -> str:
        """What is followed (program and location), to know when a set needs a baseline."""

    def describe(self) -> str:
        """One line for the terminal: what is followed, and where."""

    def read(self) -> list[Play]:
        """Recent plays, oldest first. Raises SourceError when unreadable."""
