"""Getting the agent: a copy-ready install line with this server's address and a fresh
token, and the wheel it names, built from agent/ and offered at a stable address."""

import html
import re
import os
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from dj import agent_wheel
from accounts.models import ApiToken

WHEEL = f"pika_dj-{agent_wheel.version()}-py3-none-any.whl"


def test_a_new_token_comes_with_the_one_line_install(client, dj, settings):
    settings.PIKA_BASE_URL = "https://pika.example.com"
    client.force_login(dj)
    response = client.post("/dj/tokens", {"name": "Laptop", "submit_token": "k1"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page)[1]
    assert ApiToken.objects.authenticate(secret).user == dj
    line = (f"pipx install https://pika.example.com/agent/{WHEEL} && "
            f"pika-dj login --server https://pika.example.com --token {secret}")
    assert f'<code id="install-line">{html.escape(line)}</code>' in page
    assert f'data-copy="{html.escape(line)}"' in page


def test_the_install_line_is_shown_once_like_the_token(client, dj):
    client.force_login(dj)
    client.post("/dj/tokens", {"name": "Laptop", "submit_token": "k2"}, HTTP_HX_REQUEST="true")
    assert 'id="install-line"' not in client.get("/dj/").content.decode()


def test_only_the_current_wheel_is_offered(client, db):
    for name in ("pika_dj-0.0.1-py3-none-any.whl", "..%2Fsettings.py", "pika-dj.whl"):
        assert client.get(f"/agent/{name}").status_code == 404


@pytest.mark.slow
def test_the_wheel_is_built_from_agent_and_installs(client, db, tmp_path, settings):
    settings.PIKA_VAR_DIR = tmp_path / "var"
    response = client.get(f"/agent/{WHEEL}")  # anonymous: a terminal has no session
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{WHEEL}"'
    wheel = tmp_path / WHEEL
    wheel.write_bytes(b"".join(response.streaming_content))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"pika_dj-{agent_wheel.version()}.dist-info/METADATA").decode()
        entry_points = archive.read(f"pika_dj-{agent_wheel.version()}.dist-info/entry_points.txt").decode()
    assert {"pika_dj/cli.py", "pika_dj/doctor.py", "pika_dj/sources/rekordbox.py"} <= names
    assert "Requires-Dist: httpx" in metadata and "pyrekordbox" in metadata
    assert "pika-dj = pika_dj.cli:main" in entry_points
    # Built once: the second request serves the same file.
    assert agent_wheel.wheel_path().read_bytes() == wheel.read_bytes()

    # Installs into a fresh environment; its libraries come from this one (no network).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True)
    libraries = {"PYTHONPATH": sysconfig.get_paths()["purelib"], "PATH": os.environ["PATH"]}
    version = subprocess.run([venv / "bin" / "pika-dj", "--version"], capture_output=True, text=True, check=True,
                             env=libraries, cwd=tmp_path)
    assert version.stdout == f"pika-dj {agent_wheel.version()}\n"
