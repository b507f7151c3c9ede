"""One play as read from DJ software, and the JSON body the token API expects for it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PureWindowsPath

# Server-side column limits: anything longer is refused with a 400, so clip here.
TEXT_LIMIT = 500
KEY_LIMIT = 16
UNKNOWN_ARTIST = "Unknown artist"
UNKNOWN_TITLE = "Unknown title"


@dataclass(frozen=True)
class Play:
    """A track the DJ played. `source_id` names this play (not the song) for good."""

    source_id: str
    artist: str
    title: str
    album: str = ""
    played_at: datetime | None = None
    bpm: float | None = None
    key: str = ""
    duration_ms: int | None = None
    path: str = ""

    def payload(self, file_hash: str | None = None) -> dict:
        body = {
            "artist": clip(self.artist) or UNKNOWN_ARTIST,
            "title": clip(self.title) or UNKNOWN_TITLE,
            "source_id": self.source_id,
        }
        if self.album:
            body["album"] = clip(self.album)
        if self.played_at is not None:
            body["played_at"] = self.played_at.astimezone(timezone.utc).isoformat()
        if self.bpm:
            body["bpm"] = round(self.bpm, 2)
        if self.key:
            body["key"] = self.key.strip()[:KEY_LIMIT].strip()
        if self.duration_ms:
            body["duration_ms"] = self.duration_ms
        if file_hash:
            body["file_hash"] = file_hash
        return body


def count(number: int, noun: str) -> str:
    """'1 track', '3 tracks': every message about a queue says how many."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def with_version(title: str, version: str) -> str:
    """'Ghost' + 'WCS Edit' → 'Ghost (WCS Edit)', unless the title already says so."""
    version = version.strip()
    if not version or version.lower() in title.lower():
        return title
    return f"{title} ({version})"


def split_artist_title(text: str) -> tuple[str, str]:
    """'Artist - Title' → ('Artist', 'Title'); without a separator it is all title."""
    artist, sep, title = text.partition(" - ")
    if not sep:
        return "", text.strip()
    return artist.strip(), title.strip()


def from_file_name(path: str) -> tuple[str, str]:
    """Artist and title guessed from 'Artist - Title.mp3', for plays without tags."""
    # PureWindowsPath splits on both / and \, so it also handles paths from other OSes.
    stem = PureWindowsPath(path).stem if path else ""
    return split_artist_title(stem)


def short_digest(*parts: str) -> str:
    """Stable short id for source_ids; hides local paths (user names) from the server."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]

