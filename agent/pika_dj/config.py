"""Where pika-dj keeps its files, and where DJ programs keep their history."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

APP = "pika-dj"


def _home() -> Path:
    return Path.home()


def config_file() -> Path:
    """PIKA_DJ_CONFIG, else the platform's per-user config folder."""
    if os.environ.get("PIKA_DJ_CONFIG"):
        return Path(os.environ["PIKA_DJ_CONFIG"]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or _home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config")
    return base / APP / "config.json"


def default_state_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or _home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = _home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or _home() / ".local" / "state")
    return base / APP / "state"


def load_login() -> dict:
    try:
        data = json.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_login(server: str, token: str) -> Path:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # The token is a password: readable by this user only (where the OS supports it).
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"server": server, "token": token}, handle)
    return path


def resolve(flag: str | None, env_name: str, login_key: str) -> str | None:
    """A flag wins over the environment, which wins over `pika-dj login`."""
    return flag or os.environ.get(env_name) or load_login().get(login_key)


def default_locations(program: str) -> list[Path]:
    """Where each program keeps its history by default, most likely first."""
    home = _home()
    documents = home / "Documents"
    local = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    support = home / "Library" / "Application Support"
    if program == "virtualdj":
        return [
            documents / "VirtualDJ" / "History",
            local / "VirtualDJ" / "History",
            support / "VirtualDJ" / "History",
        ]
    if program == "serato":
        return [support / "Serato" / "Library" / "master.sqlite", local / "Serato" / "Library" / "master.sqlite"]
    if program == "mixxx":
        return [
            home / ".mixxx" / "mixxxdb.sqlite",
            home / ".local" / "share" / "mixxx" / "mixxxdb.sqlite",
            support / "Mixxx" / "mixxxdb.sqlite",
            home / "Library" / "Containers" / "org.mixxx.mixxx" / "Data" / "Library"
            / "Application Support" / "Mixxx" / "mixxxdb.sqlite",
            local / "Mixxx" / "mixxxdb.sqlite",
        ]
    if program == "rekordbox":
        # rekordbox 6 and 7 share the folder; pyrekordbox also knows a moved library.
        roaming = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
        places = [home / "Library" / "Pioneer" / "rekordbox" / "master.db", roaming / "Pioneer" / "rekordbox" / "master.db"]
        from pika_dj.sources.rekordbox import default_database

        configured = default_database()
        return ([configured] if configured and configured not in places else []) + places
    if program == "nowplaying":
        return []  # each program that writes one lets the DJ choose where
    if program == "engine":
        return [home / "Music" / "Engine Library" / "Database2" / "m.db"]
    if program == "traktor":
        # Traktor names its folder after the version ("Traktor 3.11.1"): latest used first.
        folders = (documents / "Native Instruments").glob("Traktor*/History")
        return sorted(folders, key=lambda path: path.stat().st_mtime, reverse=True)
    raise ValueError(program)


def find_default(program: str) -> Path | None:
    return next((path for path in default_locations(program) if path.exists()), None)
