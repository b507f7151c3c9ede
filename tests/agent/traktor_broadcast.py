"""Traktor as the agent meets it live: a real Icecast source client streaming Ogg Vorbis
with a new comment header per track, and the NML files Traktor writes.

The stream is made by Xiph's `oggenc` (vorbis-tools) and sent by libshout's `shout`
(libshout-tools), both real programs: each track is its own Ogg Vorbis stream
with ARTIST and TITLE comments, chained one after the other as a broadcast
that changes track does.
"""

from __future__ import annotations

import math
import shutil
import struct
import subprocess
from datetime import datetime
from xml.sax.saxutils import quoteattr

SAMPLE_RATE = 44100


def require(program: str) -> str:
    path = shutil.which(program)
    assert path, f"{program} is needed for the Traktor broadcast tests (apt-get install vorbis-tools libshout-tools)"
    return path


def ogg_track(folder, artist: str, title: str, seconds: float = 1.0, **comments) -> bytes:
    """One Ogg Vorbis stream of a quiet tone, tagged like the track Traktor plays."""
    frames = int(SAMPLE_RATE * seconds)
    pcm = b"".join(struct.pack("<hh", sample, sample) for sample in (int(900 * math.sin(i / 18)) for i in range(frames)))
    raw = folder / "tone.raw"
    raw.write_bytes(pcm)
    out = folder / "track.ogg"
    extra = [arg for name, value in comments.items() for arg in ("-c", f"{name.upper()}={value}")]
    subprocess.run(
        [require("oggenc"), "-Q", "-r", "-B", "16", "-C", "2", "-R", str(SAMPLE_RATE), "-b", "64",
         "-a", artist, "-t", title, *extra, "-o", str(out), str(raw)],
        check=True,
    )
    return out.read_bytes()


def broadcast(port: int, stream: bytes, password: str = "pika") -> subprocess.CompletedProcess:
    """Send `stream` to 127.0.0.1:port the way an Icecast source client does (SOURCE /pika)."""
    return subprocess.run(
        [require("shout"), "--format", "ogg", "--tls-mode", "disabled", "-H", "127.0.0.1", "-P", str(port),
         "--mount", "/pika", "--user", "source", "--pass", password],
        input=stream, capture_output=True, timeout=60,
    )


def collection_entry(artist, title, *, musical_key=None, info_key="", bpm=None, album="", file_name="x.mp3"):
    key = f'<MUSICAL_KEY VALUE="{musical_key}"></MUSICAL_KEY>' if musical_key is not None else ""
    tempo = f'<TEMPO BPM="{bpm:.6f}" BPM_QUALITY="100.000000"></TEMPO>' if bpm else ""
    return (
        f"<ENTRY TITLE={quoteattr(title)} ARTIST={quoteattr(artist)}>"
        f'<LOCATION DIR="/:Users/:dj/:Music/:" FILE={quoteattr(file_name)} VOLUME="Macintosh HD" VOLUMEID="Macintosh HD">'
        f"</LOCATION><ALBUM TITLE={quoteattr(album)}></ALBUM>"
        f'<INFO BITRATE="320000" KEY={quoteattr(info_key)} PLAYTIME="200" PLAYTIME_FLOAT="200.000000"></INFO>'
        f"{tempo}{key}</ENTRY>"
    )


def nml(entries: list[str], plays: list[tuple[str, datetime, bool]] = ()) -> str:
    """A Traktor NML: the COLLECTION `entries`, and HISTORY plays (file name, local start, heard by the room)."""
    history = "".join(
        f'<ENTRY><PRIMARYKEY TYPE="TRACK" KEY={quoteattr("Macintosh HD/:Users/:dj/:Music/:" + file_name)}>'
        f'</PRIMARYKEY><EXTENDEDDATA DECK="0" DURATION="200.0" EXTENDEDTYPE="HistoryData" '
        f'PLAYEDPUBLIC="{int(public)}" STARTDATE="{packed_date(start)}" STARTTIME="{seconds_of_day(start)}">'
        f"</EXTENDEDDATA></ENTRY>"
        for file_name, start, public in plays
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
        '<NML VERSION="19"><HEAD COMPANY="www.native-instruments.com" PROGRAM="Traktor"></HEAD>\n'
        f'<COLLECTION ENTRIES="{len(entries)}">{"".join(entries)}</COLLECTION>\n'
        '<PLAYLISTS><NODE TYPE="FOLDER" NAME="$ROOT"><SUBNODES COUNT="1"><NODE TYPE="PLAYLIST" NAME="HISTORY">'
        f'<PLAYLIST ENTRIES="{len(plays)}" TYPE="LIST" UUID="0123456789abcdef0123456789abcdef">{history}</PLAYLIST>'
        "</NODE></SUBNODES></NODE></PLAYLISTS></NML>\n"
    )


def packed_date(moment: datetime) -> int:
    local = moment.astimezone()
    return local.year << 16 | local.month << 8 | local.day


def seconds_of_day(moment: datetime) -> int:
    local = moment.astimezone()
    return local.hour * 3600 + local.minute * 60 + local.second
