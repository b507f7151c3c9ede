"""Traktor Pro: the history NML files in its History folder.

A history NML lists the tracks in a COLLECTION and the plays in a HISTORY
playlist: each play names its track by a PRIMARYKEY (volume + folder + file)
and carries EXTENDEDDATA with the deck, STARTDATE (year << 16 | month << 8 |
day) and STARTTIME (seconds after local midnight). PLAYEDPUBLIC="0" marks a
track only heard in the headphones, which is not posted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from pika_dj.sources import SourceError
from pika_dj.tracks import Play, short_digest


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
        key=info.get("KEY", "") if info is not None else "",
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

    @property
    def key(self) -> str:
        return f"traktor:{self.history_dir.resolve()}"

    def describe(self) -> str:
        return f"Traktor history in {self.history_dir}"

    def read(self) -> list[Play]:
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
