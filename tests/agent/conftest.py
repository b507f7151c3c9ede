import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

AGENT_DIR = Path(__file__).resolve().parents[2] / "agent"
# The agent is its own package (agent/); these tests run it with or without `pip install -e agent`.
if str(AGENT_DIR) not in sys.path:
    sys.path.insert(0, str(AGENT_DIR))

from tests.agent.fake_pika import TOKEN, FakePika  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fake_pika():
    server = FakePika().start()
    yield server
    server.stop()


@pytest.fixture
def agent_env(tmp_path):
    return agent_environment(tmp_path)


def agent_environment(tmp_path):
    """Environment for a pika-dj process: no login file or variables from the machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIKA_")}
    env["PIKA_DJ_CONFIG"] = str(tmp_path / "config.json")
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(AGENT_DIR), env.get("PYTHONPATH")]))
    return env


class AgentProcess:
    """`pika-dj ...` as a real process, its output collected for assertions."""

    def __init__(self, args, env, log_path, stdin=subprocess.DEVNULL):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pika_dj", *args],
            env=env,
            stdin=stdin,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_output(self, text, timeout=15):
        wait_until(lambda: text in self.output(), timeout, lambda: f"{text!r} not in output:\n{self.output()}")

    def stop(self, sig=None):
        if self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
        code = self.process.wait(15)
        self.log.close()
        return code


def wait_until(condition, timeout=15, message=lambda: "condition not met"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(message())


@pytest.fixture
def run_agent(agent_env, tmp_path):
    started = []

    def start(*args, stdin=subprocess.DEVNULL):
        process = AgentProcess(args, agent_env, tmp_path / f"agent-{len(started)}.log", stdin)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()
        process.log.close()


@pytest.fixture
def token():
    return TOKEN


@pytest.fixture
def paris_time(monkeypatch):
    """Local wall-clock times in tests mean Paris time, whatever the machine's zone."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def vdj_entry(stamp, artist, title, path, **tags):
    """Two lines of a VirtualDJ history playlist, as VirtualDJ appends them."""
    extra = "".join(f"<{name}>{value}</{name}>" for name, value in tags.items())
    tags = f"<lastplaytime>{stamp}</lastplaytime><artist>{artist}</artist><title>{title}</title>{extra}"
    return f"#EXTVDJ:{tags}\r\n{path}\r\n"


def append(path, text):
    with open(path, "ab") as handle:
        handle.write(text.encode("utf-8"))
