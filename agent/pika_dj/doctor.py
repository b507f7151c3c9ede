"""`pika-dj doctor`: what support asks first. Which DJ programs are on this computer,
where their history lives, which one `pika-dj live` follows and why, and whether the
server and token answer."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pika_dj import __version__, config
from pika_dj.client import ApiError, Offline, PikaClient, Unauthorized

# Same order as `pika-dj live --help`; names for people.
PROGRAM_NAMES = {
    "virtualdj": "VirtualDJ",
    "serato": "Serato DJ",
    "mixxx": "Mixxx",
    "traktor": "Traktor",
    "rekordbox": "rekordbox",
    "engine": "Engine DJ",
}
# Files in a history folder that count as history being written.
HISTORY_FILES = ("*.m3u", "*.nml", "tracklist.txt")


@dataclass
class Program:
    flag: str
    name: str
    path: Path | None  # where its history is, or None when not found
    looked_in: list[Path]
    written_at: float | None  # when its history was last written (Unix time)


def last_written(path: Path) -> float | None:
    """The newest modification time of a history: a folder's history files, or a
    database with its write-ahead log (SQLite writes there first)."""
    try:
        if path.is_dir():
            stamps = [item.stat().st_mtime for pattern in HISTORY_FILES for item in path.glob(pattern)]
            return max(stamps, default=path.stat().st_mtime)
        stamps = [path.stat().st_mtime]
        for sibling in (path.with_name(path.name + "-wal"), path.with_name("hm.db"), path.with_name("hm.db-wal")):
            if sibling.exists():
                stamps.append(sibling.stat().st_mtime)
        return max(stamps)
    except OSError:
        return None


def survey() -> list[Program]:
    programs = []
    for flag, name in PROGRAM_NAMES.items():
        looked_in = config.default_locations(flag)
        path = next((place for place in looked_in if place.exists()), None)
        programs.append(Program(flag, name, path, looked_in, last_written(path) if path else None))
    return programs


def choose(programs: list[Program]) -> tuple[Program | None, str]:
    """The program `live` follows without a program flag: the one whose history was
    written most recently — the one the DJ used last."""
    found = [program for program in programs if program.path is not None]
    if not found:
        return None, "no DJ program's history was found in its usual place"
    chosen = max(found, key=lambda program: program.written_at or 0)
    if len(found) == 1:
        return chosen, "it is the only DJ program found"
    return chosen, f"its history was written most recently ({_when(chosen.written_at)})"


def _when(stamp: float | None) -> str:
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") if stamp else "never"


def run(args, say) -> int:
    problems = 0
    say(f"pika-dj {__version__} · Python {platform.python_version()} · {platform.system()} {platform.release()}")
    say("")
    say("DJ programs on this computer:")
    programs = survey()
    for program in programs:
        if program.path is None:
            if program.looked_in:
                say(f"  {program.name:<10} not found (looked in {', '.join(str(place) for place in program.looked_in)})")
            else:
                say(f"  {program.name:<10} not found (none of its usual folders exists here)")
        else:
            say(f"  {program.name:<10} found: {program.path} (history last written {_when(program.written_at)})")
    chosen, why = choose(programs)
    say("")
    if chosen is None:
        problems += 1
        say(f"`pika-dj live` has nothing to follow: {why}. Pass the program's flag with its path, "
            "e.g. `pika-dj live --virtualdj PATH`, or follow from the DJ dashboard in Chrome or Edge.")
    else:
        say(f"`pika-dj live` follows {chosen.name} ({chosen.path}): {why}. "
            f"Choose another with its flag, e.g. `pika-dj live --{chosen.flag} PATH`.")
    say("")
    problems += _check_server(args, say)
    return 1 if problems else 0


def _check_server(args, say) -> int:
    server = config.resolve(args.server, "PIKA_SERVER", "server")
    token = config.resolve(args.token, "PIKA_TOKEN", "token")
    if not server:
        say("Server: none given (use --server URL, set PIKA_SERVER, or run `pika-dj login`).")
        return 1
    client = PikaClient(server, token or "", timeout=5.0)
    try:
        if not token:
            say(f"Server: {client.server}; token: none given (use --token, PIKA_TOKEN or `pika-dj login`).")
            return 1
        client.list_stages()
    except Offline as error:
        say(f"Server: {client.server} does not answer ({error}). Check the address and the network.")
        return 1
    except Unauthorized as error:
        say(f"Server: {client.server} answers, but refused the token ({error.reason}). "
            "Create a new token in your DJ dashboard.")
        return 1
    except ApiError as error:
        say(f"Server: {client.server} answered an error ({error.reason}).")
        return 1
    finally:
        client.close()
    say(f"Server: {client.server} answers and accepts the token.")
    return 0

