"""`pika-dj doctor` on a computer with and without each program's folders."""

import os
import shutil
import sqlite3
import time

import pytest

from pika_dj.cli import main
from tests.agent.conftest import FIXTURES, TOKEN


@pytest.fixture
def computer(tmp_path, monkeypatch, agent_env):
    """An empty home folder, as on a laptop with no DJ program installed yet."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    monkeypatch.setenv("APPDATA", str(home / "AppData" / "Roaming"))
    monkeypatch.setenv("PIKA_DJ_CONFIG", str(tmp_path / "config.json"))
    for name in ("PIKA_SERVER", "PIKA_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return home


def doctor(capsys, *args):
    status = main(["doctor", *args])
    return status, capsys.readouterr().out


def aged(path, seconds_ago):
    stamp = time.time() - seconds_ago
    os.utime(path, (stamp, stamp))


def test_nothing_installed_and_no_server(computer, capsys):
    status, out = doctor(capsys)

    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith("pika-dj 0.1.0 · Python ")
    assert lines[2] == "DJ programs on this computer:"
    for name in ("VirtualDJ", "Serato DJ", "Mixxx", "rekordbox", "Engine DJ"):
        assert any(line.startswith(f"  {name:<10} not found (looked in ") for line in lines), name
    # Traktor's folder is named after its version: without one there is no place to name.
    assert "  Traktor    not found (none of its usual folders exists here)" in lines
    assert f"  VirtualDJ  not found (looked in {computer / 'Documents' / 'VirtualDJ' / 'History'}, " in out
    assert f"{computer / 'Music' / 'Engine Library' / 'Database2' / 'm.db'})" in out
    assert ("`pika-dj live` has nothing to follow: no DJ program's history was found in its usual place. "
            "Pass the program's flag with its path") in out
    assert lines[-1] == "Server: none given (use --server URL, set PIKA_SERVER, or run `pika-dj login`)."


def test_two_programs_found_live_follows_the_one_used_last(computer, capsys, fake_pika):
    history = computer / "Documents" / "VirtualDJ" / "History"
    shutil.copytree(FIXTURES / "virtualdj" / "History", history)
    for playlist in history.iterdir():
        aged(playlist, 3600)
    engine = computer / "Music" / "Engine Library" / "Database2"
    engine.mkdir(parents=True)
    sqlite3.connect(engine / "m.db").close()
    aged(engine / "m.db", 60)

    status, out = doctor(capsys, "--server", fake_pika.url, "--token", TOKEN)

    assert status == 0
    assert f"  VirtualDJ  found: {history} (history last written " in out
    assert f"  Engine DJ  found: {engine / 'm.db'} (history last written " in out
    assert "  Serato DJ  not found" in out
    assert (f"`pika-dj live` follows Engine DJ ({engine / 'm.db'}): its history was written most recently (") in out
    assert out.splitlines()[-1] == f"Server: {fake_pika.url} answers and accepts the token."

    # The DJ plays in VirtualDJ now: live follows VirtualDJ.
    aged(history / "2026-03-14.m3u", 0)
    _, out = doctor(capsys, "--server", fake_pika.url, "--token", TOKEN)
    assert f"`pika-dj live` follows VirtualDJ ({history}): its history was written most recently (" in out


def test_one_program_a_wrong_token_and_a_server_that_is_down(computer, capsys, fake_pika):
    serato = computer / "Library" / "Application Support" / "Serato" / "Library"
    serato.mkdir(parents=True)
    sqlite3.connect(serato / "master.sqlite").close()

    status, out = doctor(capsys, "--server", fake_pika.url, "--token", "wrong")
    assert status == 1
    assert f"`pika-dj live` follows Serato DJ ({serato / 'master.sqlite'}): it is the only DJ program found." in out
    assert out.splitlines()[-1] == (
        f"Server: {fake_pika.url} answers, but refused the token (A valid API token is required). "
        "Create a new token in your DJ dashboard.")

    fake_pika.down = True
    status, out = doctor(capsys, "--server", fake_pika.url, "--token", TOKEN)
    assert status == 1
    assert out.splitlines()[-1] == (
        f"Server: {fake_pika.url} does not answer (the server answered HTTP 503). Check the address and the network.")


def test_live_without_a_program_flag_follows_what_doctor_names(computer, capsys, fake_pika, tmp_path):
    assert main(["live", "--server", fake_pika.url, "--token", TOKEN, "--no-qr"]) == 1
    assert capsys.readouterr().err == (
        "pika-dj: no DJ program's history was found in its usual place: name your program, "
        "e.g. --virtualdj PATH (`pika-dj doctor` shows where it looked)\n")

    from pika_dj import cli

    history = computer / "Documents" / "VirtualDJ" / "History"
    history.mkdir(parents=True)
    args = cli.build_parser().parse_args(["live", "--server", fake_pika.url, "--token", TOKEN])
    source = cli._source(args)
    assert (type(source).__name__, source.history_dir) == ("VirtualDJSource", history)
    assert capsys.readouterr().out == (
        "Following VirtualDJ: it is the only DJ program found (`pika-dj doctor` lists every program found).\n")
