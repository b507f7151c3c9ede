"""A now-playing text file: one line, `Artist - Title`, rewritten at each new track.

DJUCED, djay and several streaming tools can write one. It holds only the current
track, so a play is named by its text and the second the file was written: the same
song started again rewrites the file at a new time and is a new play. The dashboard's
follower reads the same file with the same rule (static/js/follow-vdj.js).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.sources._text import split_lines
from pika_dj.tracks import Play, short_digest, split_artist_title

# "nowplaying.txt", "Now Playing.txt", "now_playing.txt", "NowPlaying-deck.txt", …
NAME_RE = re.compile(r"now[ _-]?playing.*\.txt$", re.I)
MAX_BYTES = 64 * 1024  # one line of text; anything bigger is not a now-playing file


def find_file(folder: Path) -> Path | None:
    """The most recently written now-playing file in a folder."""
    files = [path for path in folder.iterdir() if path.is_file() and NAME_RE.match(path.name)]
    return max(files, key=lambda path: (path.stat().st_mtime_ns, path.name), default=None)


def parse_now_playing(data: bytes, modified: float) -> list[Play]:
    lines, tail = split_lines(data)
    text = next((line.strip() for line in [*lines, tail] if line.strip()), "")
    if not text:
        return []
    second = int(modified)
    artist, title = split_artist_title(text)
    return [Play(
        source_id=f"np-{short_digest(text)}-{second}",
        artist=artist,
        title=title,
        played_at=datetime.fromtimestamp(second, tz=timezone.utc),
    )]


class NowPlayingSource:
    name = "now-playing file"

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()

    @property
    def key(self) -> str:
        return f"nowplaying:{self.path.resolve()}"

    def describe(self) -> str:
        return f"the now-playing file {self.path}"

    def read(self) -> list[Play]:
        try:
            file = find_file(self.path) if self.path.is_dir() else self.path
            if file is None:
                raise SourceError(f"no now-playing file (such as nowplaying.txt) in {self.path}")
            with open(file, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
                modified = Path(file).stat().st_mtime
        except OSError as error:
            raise SourceError(f"cannot read the now-playing file: {error}") from error
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        if len(data) > MAX_BYTES or (b"\0" in data[:8192] and not utf16):
            raise SourceError(f"{file} is not a one-line text file")
        return parse_now_playing(data, modified)
