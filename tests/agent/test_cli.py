"""pika-dj's command line: where settings come from, and the messages a DJ sees."""

import json
import socket

import pytest

from pika_dj import cli
from tests.agent.fake_pika import TOKEN


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("PIKA_SERVER", "PIKA_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIKA_DJ_CONFIG", str(tmp_path / "config.json"))
    return tmp_path


@pytest.fixture
def history(tmp_path):
    folder = tmp_path / "History"
    folder.mkdir()
    return folder


def live(*args):
    return cli.main(["live", "--no-qr", *args])


def test_wrong_token(fake_pika, history, clean_env, capsys):
    code = live("--server", fake_pika.url, "--token", "wrong", "--virtualdj", str(history),
                "--state-dir", str(clean_env / "state"))
    assert code == 1
    assert capsys.readouterr().err == (
        "pika-dj: Pika! refused the token (A valid API token is required). "
        "Check --token / PIKA_TOKEN, or create a new token in your DJ dashboard.\n"
    )


def test_unknown_stage(fake_pika, history, clean_env, capsys):
    code = live("--server", fake_pika.url, "--token", TOKEN, "--stage", "zzz", "--virtualdj", str(history),
                "--state-dir", str(clean_env / "state"))
    assert code == 1
    assert capsys.readouterr().err == (
        "pika-dj: unknown stage code 'zzz' (No stage has that code). "
        "Check the code on the stage's QR poster or ask the organizer.\n"
    )


def test_unreachable_server(history, clean_env, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code = live("--server", url, "--token", TOKEN, "--virtualdj", str(history), "--state-dir", str(clean_env / "state"))
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"pika-dj: cannot reach the Pika! server at {url} (cannot connect")
    assert err.endswith("). Check --server / PIKA_SERVER and the network.\n")


def test_missing_server_or_token(history, clean_env, capsys):
    assert live("--virtualdj", str(history)) == 1
    assert capsys.readouterr().err == (
        "pika-dj: no server given: use --server URL, set PIKA_SERVER, or run `pika-dj login`\n"
    )
    assert live("--server", "http://x", "--virtualdj", str(history)) == 1
    assert capsys.readouterr().err == (
        "pika-dj: no token given: use --token TOKEN, set PIKA_TOKEN, or run `pika-dj login`\n"
    )


def test_history_folder_must_exist(clean_env, capsys):
    missing = clean_env / "nowhere"
    assert live("--server", "http://x", "--token", "t", "--virtualdj", str(missing)) == 1
    assert capsys.readouterr().err == (
        f"pika-dj: VirtualDJ: {missing} does not exist; --virtualdj takes VirtualDJ's History folder\n"
    )


def test_one_program_is_required(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["live", "--virtualdj", "a", "--mixxx", "b"])
    assert raised.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_environment_variables_and_login(fake_pika, history, clean_env, monkeypatch, capsys):
    # The env vars are used in place of the flags...
    monkeypatch.setenv("PIKA_SERVER", fake_pika.url)
    monkeypatch.setenv("PIKA_TOKEN", "wrong")
    live("--virtualdj", str(history), "--state-dir", str(clean_env / "state"))
    assert fake_pika.requests == [("POST", "/api/v1/sessions", {})]
    assert "refused the token" in capsys.readouterr().err

    # ...and `pika-dj login` stores them for later, below flags and env vars.
    monkeypatch.delenv("PIKA_SERVER")
    monkeypatch.delenv("PIKA_TOKEN")
    assert cli.main(["login", "--server", fake_pika.url + "/", "--token", TOKEN]) == 0
    config = clean_env / "config.json"
    assert json.loads(config.read_text()) == {"server": fake_pika.url, "token": TOKEN}
    assert config.stat().st_mode & 0o777 == 0o600
    assert capsys.readouterr().out == f"Saved to {config}. `pika-dj live` and `pika-dj simulate` will use them.\n"
    assert cli.main(["simulate", "--no-qr", "--every", "0.01", "--count", "2"]) == 0
    assert fake_pika.posted(1) == [("Ella Henderson", "Ghost (WCS Edit)"), ("Sam Smith", "Stay With Me")]


def test_qr_code_is_drawn_with_block_characters(capsys):
    cli.print_qr("https://pika.example.com/live/abc")
    drawing = capsys.readouterr().out.splitlines()
    assert len(drawing) > 10
    assert set("".join(drawing)) <= set("\xa0▀▄█")


def test_the_set_address_is_printed_as_the_server_answered_it(capsys):
    from types import SimpleNamespace

    from pika_dj.cli import _show_session

    args = SimpleNamespace(no_qr=True)
    _show_session({"url": "https://pika.example/live/abcd2345", "server": "https://pika.example"}, args, False)
    assert capsys.readouterr().out == "Live: https://pika.example/live/abcd2345\n"

    # A server left at its local default answers 127.0.0.1: printed as answered, and explained.
    _show_session({"url": "http://127.0.0.1:8000/live/abcd2345", "server": "http://192.168.1.20:8000"}, args, True)
    assert capsys.readouterr().out == (
        "Resumed: http://127.0.0.1:8000/live/abcd2345\n"
        "Pika! answered with an address on its own machine, which phones cannot open: "
        "its operator should set PIKA_BASE_URL to the public address.\n"
    )
