"""Traktor Pro: its broadcast while it plays, its History NML files after it closes.

A history NML lists the tracks in a COLLECTION and the plays in a HISTORY
playlist: each play names its track by a PRIMARYKEY (volume + folder + file)
and carries EXTENDEDDATA with the deck, STARTDATE (year << 16 | month << 8 |
day) and STARTTIME (seconds after local midnight). PLAYEDPUBLIC="0" marks a
track only heard in the headphones, which is not posted.

Traktor stores that file when it closes (its manual says so; in a trial a set
had no track while playing and all of them within 3 s of quitting). So live,
each track comes from Traktor's Broadcasting (traktor_broadcast.py), with its
album, BPM and key looked up in Traktor's collection.nml; the History NML read
after Traktor closes only fills in what the broadcast missed.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.sources.traktor_broadcast import MOUNT, BroadcastReceiver
from pika_dj.tracks import Play, short_digest

# A broadcast track and a History entry are one play when artist and title
# match and they started this close: Traktor sends the new title once the track
# is heard, which can be a long blend after the deck started.
SAME_PLAY = timedelta(minutes=10)
# A play counts for the set if it was still playing when the set started.
ASSUMED_LENGTH = timedelta(minutes=10)

# MUSICAL_KEY VALUE is Traktor's analysed key: 0-11 major from C, 12-23 minor from C.
KEY_NAMES = [
    "C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
    "Cm", "C#m", "Dm", "Ebm", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm",
]
# INFO KEY is the file's key tag, free text ("FORDJ.UK" in real files): only a key if it looks like one.
KEY_TEXT = re.compile(r"(?:[A-G][#b♯♭]?(?:m|min|maj)?|(?:1[0-2]|[1-9])[ABdm])", re.IGNORECASE)


def musical_key(entry) -> str:
    key = entry.find("MUSICAL_KEY")
    if key is not None:
        try:
            return KEY_NAMES[int(key.get("VALUE", ""))]
        except (ValueError, IndexError):
            pass
    info = entry.find("INFO")
    text = (info.get("KEY", "") if info is not None else "").strip()
    return text if KEY_TEXT.fullmatch(text) else ""


def same_song(artist: str, title: str) -> tuple[str, str]:
    return " ".join(artist.casefold().split()), " ".join(title.casefold().split())


def traktor_path(volume: str, folder: str, file_name: str) -> str:
    """Traktor writes folders as '/:Users/:dj/:Music/:'; rebuild a local path."""
    folder = folder.replace("/:", "/")
    if len(volume) == 2 and volume.endswith(":"):  # a Windows drive letter
        return volume + folder + file_name
    if Path(folder + file_name).exists():  # macOS boot volume
        return folder + file_name
    return f"/Volumes/{volume}{folder}{file_name}"


def start_moment(start_date: str, start_time: str) -> datetime | None:
    try:
        packed, seconds = int(start_date), float(start_time)
        day = date(packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF)
    except ValueError:
        return None  # STARTDATE 0 or garbage: no time known
    moment = datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)
    return moment.astimezone()  # local wall-clock time → aware


def parse_history_nml(data: bytes, file_name: str) -> list[Play]:
    root = ElementTree.fromstring(data)
    tracks = {}
    for entry in root.iterfind("./COLLECTION/ENTRY"):
        location = entry.find("LOCATION")
        if location is not None:
            key = location.get("VOLUME", "") + location.get("DIR", "") + location.get("FILE", "")
            tracks[key] = entry

    plays = []
    repeats: Counter[str] = Counter()
    for entry in root.iterfind(".//PLAYLIST/ENTRY"):
        primary, extended = entry.find("PRIMARYKEY"), entry.find("EXTENDEDDATA")
        if primary is None:
            continue
        extra = extended.attrib if extended is not None else {}
        if extra.get("PLAYEDPUBLIC") == "0":
            continue
        track_key = primary.get("KEY", "")
        track = tracks.get(track_key)
        played_at = start_moment(extra.get("STARTDATE", "0"), extra.get("STARTTIME", "0"))
        base = short_digest(file_name, track_key, extra.get("STARTDATE", ""), extra.get("STARTTIME", ""))
        repeats[base] += 1
        plays.append(_play(f"traktor-{base}-{repeats[base]}", track, track_key, played_at))
    return plays


def _play(source_id: str, track, track_key: str, played_at) -> Play:
    if track is None:  # not in the collection part: only the file name is known
        stem = track_key.rsplit("/:", 1)[-1].rsplit(".", 1)[0]
        artist, _, title = stem.partition(" - ")
        return Play(source_id, artist.strip(), title.strip() or stem, played_at=played_at)
    info, tempo = track.find("INFO"), track.find("TEMPO")
    album, location = track.find("ALBUM"), track.find("LOCATION")
    seconds = float(info.get("PLAYTIME_FLOAT") or info.get("PLAYTIME") or 0) if info is not None else 0
    bpm = float(tempo.get("BPM") or 0) if tempo is not None else 0
    return Play(
        source_id=source_id,
        artist=track.get("ARTIST", ""),
        title=track.get("TITLE", ""),
        album=album.get("TITLE", "") if album is not None else "",
        played_at=played_at,
        bpm=bpm or None,
        key=musical_key(track),
        duration_ms=round(seconds * 1000) if seconds else None,
        path=traktor_path(location.get("VOLUME", ""), location.get("DIR", ""), location.get("FILE", "")),
    )


class TraktorSource:
    name = "Traktor"

    def __init__(self, history_dir: str | Path):
        folder = Path(history_dir).expanduser()
        if folder.name.lower() != "history" and (folder / "History").is_dir():
            folder = folder / "History"
        self.history_dir = folder
        # Traktor rewrites the whole file; a read mid-write is not XML yet.
        self._last_good: dict[Path, list[Play]] = {}
        self.broadcast = None
        self._live: list[Play] = []
        self._journal: Path | None = None
        self._since: datetime | None = None
        self._collection = Collection(folder.parent / "collection.nml")

    def listen(self, port: int, journal: Path, since: datetime) -> None:
        """Follow live: receive Traktor's broadcast on 127.0.0.1:`port` (0: any free port).

        `journal` keeps the broadcast plays across restarts of the agent, so the
        History read after Traktor closes never posts them again; `since` is when
        the set started (History plays that ended before it are not the set's).
        Raises SourceError when the port is taken.
        """
        self.broadcast = BroadcastReceiver(port).start()
        self._journal, self._since = journal, since
        self._live = [play for play in _load_journal(journal) if play.played_at >= since - SAME_PLAY]
        journal.write_text("".join(_journal_line(play) for play in self._live), encoding="utf-8")

    def close(self) -> None:
        if self.broadcast is not None:
            self.broadcast.stop()

    def instructions(self) -> list[str]:
        """What the DJ enters in Traktor, exactly."""
        if self.broadcast is None:
            return []
        host, port = self.broadcast.host, self.broadcast.port
        return [
            f"Traktor's broadcast is received at http://{host}:{port}{MOUNT}. In Traktor:",
            "  Preferences > Broadcasting > Server Settings:",
            f"    Address {host}   Port {port}   Mount Path {MOUNT}   Password pika (any)",
            "    Format: Ogg Vorbis, 44100 Hz, 64 kBit/s (the lowest is enough; the audio is not kept)",
            "  then turn Broadcasting on (the antenna button in the Audio Recorder panel).",
        ]

    @property
    def key(self) -> str:
        return f"traktor:{self.history_dir.resolve()}"

    def describe(self) -> str:
        if self.broadcast is None:
            return f"Traktor history in {self.history_dir}"
        return (
            f"Traktor's broadcast on {self.broadcast.host}:{self.broadcast.port}, "
            f"and its history in {self.history_dir} when it closes"
        )

    def wait(self, seconds: float) -> None:
        """Sleep until the next poll, or until the broadcast brings a track."""
        if self.broadcast is None:
            threading.Event().wait(seconds)
            return
        self.broadcast.changed.wait(seconds)
        self.broadcast.changed.clear()

    def notices(self) -> list[str]:
        return self.broadcast.notices() if self.broadcast is not None else []

    def read(self) -> list[Play]:
        history = self._read_history()
        if self.broadcast is None:
            return history
        self._take_broadcast()
        missed = self._unmatched(history)
        return sorted(self._live + missed, key=lambda play: play.played_at or datetime.min.replace(tzinfo=timezone.utc))

    def final_write_due(self) -> str | None:
        """What the agent waits for before ending a set, or None: Traktor has
        broadcast tracks since it last stored its History."""
        if self.broadcast is None or not self._live:
            return None
        try:
            stored = max((path.stat().st_mtime for path in self.history_dir.glob("*.nml")), default=0)
        except OSError:
            stored = 0
        if stored >= self._live[-1].played_at.timestamp():
            return None
        return "Traktor to store its history (it does when you close Traktor)"

    def _read_history(self) -> list[Play]:
        if not self.history_dir.is_dir():
            raise SourceError(f"Traktor history folder not found: {self.history_dir}")
        try:
            files = sorted(
                (path for path in self.history_dir.glob("*.nml") if path.is_file()),
                key=lambda path: (path.stat().st_mtime_ns, path.name),
            )[-2:]
            plays = []
            for path in files:
                try:
                    self._last_good[path] = parse_history_nml(path.read_bytes(), path.name)
                except ElementTree.ParseError:
                    pass
                plays += self._last_good.get(path, [])
        except OSError as error:
            raise SourceError(f"cannot read Traktor history: {error}") from error
        return plays

    def _take_broadcast(self) -> None:
        for arrived, info in self.broadcast.take():
            artist, title = info.get("artist", ""), info.get("title", "")
            if self._live and same_song(self._live[-1].artist, self._live[-1].title) == same_song(artist, title):
                continue  # the same track sent again (Traktor reconnected), not a new play
            details = self._collection.find(artist, title)
            play = Play(
                source_id=f"traktor-live-{short_digest(artist, title, arrived.isoformat())}",
                artist=artist,
                title=title,
                album=info.get("album", "") or details.get("album", ""),
                played_at=arrived,
                bpm=details.get("bpm"),
                key=details.get("key", ""),
                duration_ms=details.get("duration_ms"),
                path=details.get("path", ""),
            )
            self._live.append(play)
            _append_journal(self._journal, play)

    def _unmatched(self, history: list[Play]) -> list[Play]:
        """History plays of this set that no broadcast play stands for."""
        unmatched_live = list(self._live)
        missed = []
        for play in history:
            if play.played_at is None or play.played_at + _length(play) < self._since:
                continue  # no time to place it, or before this set
            match = next(
                (
                    live for live in unmatched_live
                    if same_song(live.artist, live.title) == same_song(play.artist, play.title)
                    and abs(live.played_at - play.played_at) <= SAME_PLAY
                ),
                None,
            )
            if match is None:
                missed.append(play)
            else:
                unmatched_live.remove(match)
        return missed


def _length(play: Play) -> timedelta:
    return timedelta(milliseconds=play.duration_ms) if play.duration_ms else ASSUMED_LENGTH


class Collection:
    """Traktor's collection.nml, read again whenever Traktor rewrites it: album,
    BPM, analysed key and file of a track the broadcast names by artist and title."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp = None
        self._tracks: dict[tuple[str, str], dict] = {}

    def find(self, artist: str, title: str) -> dict:
        try:
            stamp = self.path.stat().st_mtime_ns
        except OSError:
            return {}
        if stamp != self._stamp:
            try:
                root = ElementTree.parse(self.path).getroot()
            except (OSError, ElementTree.ParseError):
                return self._tracks.get(same_song(artist, title), {})  # mid-rewrite: the last good read
            self._tracks = {
                same_song(entry.get("ARTIST", ""), entry.get("TITLE", "")): _details(entry)
                for entry in root.iterfind("./COLLECTION/ENTRY")
            }
            self._stamp = stamp
        return self._tracks.get(same_song(artist, title), {})


def _details(entry) -> dict:
    play = _play("", entry, "", None)
    return {
        "album": play.album, "bpm": play.bpm, "key": play.key,
        "duration_ms": play.duration_ms, "path": play.path,
    }


def _load_journal(path: Path) -> list[Play]:
    plays = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return plays
    for line in lines:
        try:
            fields = json.loads(line)
            fields["played_at"] = datetime.fromisoformat(fields["played_at"])
            plays.append(Play(**fields))
        except (ValueError, TypeError, KeyError):
            continue  # a line cut by a crash
    return plays


def _append_journal(path: Path | None, play: Play) -> None:
    if path is None:
        return
    with open(path, "a", encoding="utf-8") as journal:
        journal.write(_journal_line(play))


def _journal_line(play: Play) -> str:
    return json.dumps({**play.__dict__, "played_at": play.played_at.isoformat()}) + "\n"
