"""VirtualDJ: the dated history playlists in its History folder, or tracklist.txt.

Each play is appended a few seconds after it starts, as two lines:

    #EXTVDJ:<time>22:47</time><lastplaytime>1773553620</lastplaytime><artist>…</artist>…
    C:\\Users\\dj\\Music\\Ella Henderson - Ghost.mp3

Tags come in any order and any may be missing. A play is named by its
`lastplaytime` and path, so the same song played twice is two plays.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.sources._text import read_lines
from pika_dj.tracks import Play, from_file_name, short_digest, split_artist_title, with_version

TAG_RE = re.compile(r"<([A-Za-z_][\w.-]*)>(.*?)</\1>", re.S)
ENTITY_RE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")
FILE_DAY_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TRACKLIST_LINE_RE = re.compile(r"^\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*:\s*(.+?)\s*$")
TRACKLIST_DAY_RE = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})")

# Clock times in a file only go backwards when a set runs past midnight.
MIDNIGHT_JUMP = timedelta(hours=6)


def unescape(value: str) -> str:
    """XML entities as VirtualDJ writes them; a raw '&' (older builds) stays as is."""

    def entity(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return NAMED_ENTITIES[name]

    return ENTITY_RE.sub(entity, value)


def parse_tags(text: str) -> dict[str, str]:
    return {name.lower(): unescape(value).strip() for name, value in TAG_RE.findall(text)}


def parse_clock(text: str) -> time | None:
    match = CLOCK_RE.search(text)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


class _LocalClock:
    """Turns the wall-clock times of one file into datetimes, across midnight."""

    def __init__(self, day: date | None):
        self.day = day
        self.previous: datetime | None = None

    def at(self, clock: time | None) -> datetime | None:
        if self.day is None or clock is None:
            return None
        moment = datetime.combine(self.day, clock)
        if self.previous is not None and self.previous - moment > MIDNIGHT_JUMP:
            self.day += timedelta(days=1)
            moment += timedelta(days=1)
        self.previous = moment
        return moment.astimezone()  # naive local time → aware, in this laptop's zone


def _number(text: str | None) -> float | None:
    try:
        value = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return value if value > 0 else None


def _bpm(text: str | None) -> float | None:
    value = _number(text)
    # VirtualDJ stores tempo as seconds per beat (0.5 = 120 BPM); tags hold real BPM.
    if value is not None and value < 10:
        value = 60 / value
    return value


def parse_history(lines: list[str], file_day: date | None = None) -> list[Play]:
    """Plays in a VirtualDJ history playlist, in file order.

    An #EXTVDJ line still waiting for its path line is left out: it is the play
    VirtualDJ is writing right now, read again on the next poll.
    """
    plays: list[Play] = []
    clock = _LocalClock(file_day)
    repeats: Counter[str] = Counter()
    pending: dict[str, str] | None = None

    def add(tags: dict[str, str], path: str) -> None:
        plays.append(_history_play(tags, path, file_day, clock, repeats))

    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text[:8].upper() == "#EXTVDJ:":
            if pending is not None:  # its path line never came: still a play
                add(pending, "")
            pending = parse_tags(text[8:])
        elif text.startswith("#"):
            continue  # #EXTM3U and other comments carry nothing VirtualDJ's tags lack
        else:
            add(pending or {}, text)
            pending = None
    return plays


def _history_play(tags, path, file_day, clock, repeats) -> Play:
    artist, title = tags.get("artist", ""), tags.get("title", "")
    if not artist or not title:
        name_artist, name_title = from_file_name(path)
        artist, title = artist or name_artist, title or name_title
    title = with_version(title, tags.get("remix", ""))

    last_play = tags.get("lastplaytime", "")
    if last_play.isdigit():
        played_at = datetime.fromtimestamp(int(last_play), tz=timezone.utc)
        source_id = f"vdj-{last_play}-{short_digest(path, artist, title)}"
    else:
        played_at = clock.at(parse_clock(tags.get("time", "")))
        base = short_digest(str(file_day), tags.get("time", ""), path, artist, title)
        repeats[base] += 1
        source_id = f"vdj-{base}-{repeats[base]}"

    length = _number(tags.get("songlength"))
    return Play(
        source_id=source_id,
        artist=artist,
        title=title,
        album=tags.get("album", ""),
        played_at=played_at,
        bpm=_bpm(tags.get("bpm")),
        key=tags.get("key", ""),
        duration_ms=round(length * 1000) if length else None,
        path=path,
    )


def parse_tracklist(lines: list[str]) -> list[Play]:
    """tracklist.txt: '22:47 : Artist - Title' lines under a dated header line."""
    plays: list[Play] = []
    clock = _LocalClock(None)
    repeats: Counter[str] = Counter()
    for line in lines:
        track = TRACKLIST_LINE_RE.match(line)
        if track is None:
            day = TRACKLIST_DAY_RE.search(line)
            if day:
                clock = _LocalClock(date(int(day[1]), int(day[2]), int(day[3])))
            continue
        stamp, text = track.groups()
        artist, title = split_artist_title(text)
        base = short_digest(str(clock.day), stamp, text)
        repeats[base] += 1
        plays.append(
            Play(
                source_id=f"vdj-tl-{base}-{repeats[base]}",
                artist=artist,
                title=title,
                played_at=clock.at(parse_clock(stamp)),
            )
        )
    return plays


class VirtualDJDatabase:
    """BPM, key and length from VirtualDJ's database.xml, which History lacks.

    The file can be tens of MB, so it is parsed only when a play needs it and
    the file changed since the last parse.
    """

    def __init__(self, path: Path):
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._songs: dict[str, tuple[float | None, str, int | None]] = {}

    def lookup(self, file_path: str) -> tuple[float | None, str, int | None] | None:
        self._refresh()
        return self._songs.get(os.path.normcase(file_path))

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except OSError:
            return
        stamp = (stat.st_size, stat.st_mtime_ns)
        if stamp == self._stamp:
            return
        songs = {}
        try:
            for _, element in ElementTree.iterparse(self.path):
                if element.tag != "Song":
                    continue
                scan, infos = element.find("Scan"), element.find("Infos")
                length = _number(infos.get("SongLength")) if infos is not None else None
                songs[os.path.normcase(element.get("FilePath", ""))] = (
                    _bpm(scan.get("Bpm")) if scan is not None else None,
                    (scan.get("Key") or "") if scan is not None else "",
                    round(length * 1000) if length else None,
                )
                element.clear()
        except (ElementTree.ParseError, OSError):
            return  # VirtualDJ is saving it; the next read tries again
        self._songs, self._stamp = songs, stamp

    def enrich(self, play: Play) -> Play:
        if (play.bpm and play.key and play.duration_ms) or not play.path:
            return play
        found = self.lookup(play.path)
        if found is None:
            return play
        bpm, key, duration_ms = found
        return replace(
            play,
            bpm=play.bpm or bpm,
            key=play.key or key,
            duration_ms=play.duration_ms or duration_ms,
        )


class VirtualDJSource:
    name = "VirtualDJ"

    def __init__(self, history_dir: str | Path, settle_seconds: float = 2.0):
        folder = Path(history_dir).expanduser()
        # Accept VirtualDJ's home folder too: its History folder is what we follow.
        if folder.name.lower() != "history" and (folder / "History").is_dir():
            folder = folder / "History"
        self.history_dir = folder
        self.settle_seconds = settle_seconds
        self.database = VirtualDJDatabase(folder.parent / "database.xml")

    @property
    def key(self) -> str:
        return f"virtualdj:{self.history_dir.resolve()}"

    def describe(self) -> str:
        return f"VirtualDJ history in {self.history_dir}"

    def read(self) -> list[Play]:
        if not self.history_dir.is_dir():
            raise SourceError(f"VirtualDJ history folder not found: {self.history_dir}")
        try:
            playlists = self._recent_playlists()
            if playlists:
                plays = []
                for playlist in playlists:
                    file_day = FILE_DAY_RE.search(playlist.name)
                    day = date(*map(int, file_day.groups())) if file_day else None
                    plays += parse_history(read_lines(str(playlist), self.settle_seconds), day)
            else:
                tracklist = self._tracklist()
                if tracklist is None:
                    return []
                plays = parse_tracklist(read_lines(str(tracklist), self.settle_seconds))
        except OSError as error:
            raise SourceError(f"cannot read VirtualDJ history: {error}") from error
        return [self.database.enrich(play) for play in plays]

    def _recent_playlists(self) -> list[Path]:
        """The two most recently written playlists, oldest first.

        After midnight VirtualDJ may start a new day's file or keep writing the
        old one; reading both covers the switch without missing a line.
        """
        playlists = [path for path in self.history_dir.glob("*.m3u") if path.is_file()]
        playlists.sort(key=lambda path: (path.stat().st_mtime_ns, path.name))
        return playlists[-2:]

    def _tracklist(self) -> Path | None:
        for folder in (self.history_dir, self.history_dir.parent):
            candidate = folder / "tracklist.txt"
            if candidate.is_file():
                return candidate
        return None
