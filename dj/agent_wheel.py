"""The pika-dj agent as a wheel this server offers, so a DJ installs it with one line
(`pipx install <server>/agent/<wheel>`) instead of cloning the repository.

Built from agent/ on first request and kept under PIKA_VAR_DIR, keyed by a digest of
the agent's sources: a changed agent gets a new wheel without anyone running a step.
"""

import hashlib
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from django.conf import settings

AGENT_DIR = Path(settings.BASE_DIR) / "agent"
_lock = threading.Lock()


def version():
    import tomllib  # here: only the DJ's pages ask, not the rooms' phones

    with open(AGENT_DIR / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def wheel_name():
    return f"pika_dj-{version()}-py3-none-any.whl"


def _sources():
    files = [AGENT_DIR / "pyproject.toml", AGENT_DIR / "README.md"]
    files += sorted(path for path in (AGENT_DIR / "pika_dj").rglob("*.py"))
    return files


def _digest():
    digest = hashlib.sha256()
    for path in _sources():
        digest.update(str(path.relative_to(AGENT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def wheel_path():
    """The built wheel, building it first if the agent's sources changed."""
    target = Path(settings.PIKA_VAR_DIR) / "agent" / _digest() / wheel_name()
    if target.is_file():
        return target
    with _lock:
        if target.is_file():
            return target
        with tempfile.TemporaryDirectory() as work:
            # Build from a copy: an in-tree build leaves build/ and egg-info in agent/.
            source = Path(work) / "agent"
            shutil.copytree(AGENT_DIR, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
            out = Path(work) / "dist"
            out.mkdir()
            subprocess.run(
                [sys.executable, "-c", "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])", str(out)],
                cwd=source, check=True, capture_output=True, timeout=120,
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(out / wheel_name()), target)
    return target


def install_line(server, token):
    """What the DJ pastes into a terminal: install the agent, then remember server and token."""
    return f"pipx install {server}/agent/{wheel_name()} && pika-dj login --server {server} --token {token}"
