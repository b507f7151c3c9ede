"""`make run` as a newcomer runs it: in a terminal, then Ctrl-C.

The real Makefile (its install step taken as done: the test run already installed) under a
pseudo-terminal whose session `make` leads, like a shell's foreground job. Ctrl-C is the
terminal's ^C, delivered by the kernel to the foreground process group.
"""

import fcntl
import os
import re
import signal
import subprocess
import termios
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """A pseudo-terminal running one command as its session leader; collects the output."""

    def __init__(self, args, env):
        self.master, slave = os.openpty()

        def become_its_foreground_job():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave,
                                        preexec_fn=become_its_foreground_job)
        os.close(slave)
        self.chunks = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:  # the last process holding the terminal has gone
                return
            if not data:
                return
            self.chunks.append(data)

    def output(self):
        return b"".join(self.chunks).decode(errors="replace").replace("\r\n", "\n")

    def wait_for(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            assert self.process.poll() is None, f"exited {self.process.returncode}:\n{self.output()}"
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear:\n{self.output()}")

    def ctrl_c(self):
        os.write(self.master, b"\x03")


def signed_in_page(base, email, path):
    with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as browser:
        login = browser.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed_in = browser.post("/accounts/login/", data={
            "csrfmiddlewaretoken": token, "login": email, "password": "pika-demo-password"})
        assert signed_in.status_code == 200 and "Sign out" in signed_in.text
        return browser.get(path).text


def descendants(pid):
    """Every process below `pid` now (its children's children too)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_every_demo_process_and_make_exits_0(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "PIKA_BASE_URL", "MAKEFLAGS"}}
    env |= {"PIKA_VAR_DIR": str(tmp_path), "TERM": "dumb"}
    terminal = Terminal(["make", "--no-print-directory", "-o", "install", "run", f"PORT={port}"], env)
    try:
        terminal.wait_for("Stop with Ctrl-C.", timeout=120)
        stage = re.search(r"Main Floor: http://127\.0\.0\.1:\d+/s/(\w+)", terminal.output()).group(1)
        # The simulated DJ plays on the Main Floor under its own account (not the README's DJ login).
        deadline = time.monotonic() + 30
        while True:
            now = httpx.get(f"http://127.0.0.1:{port}/api/v1/stages/{stage}/now-playing", timeout=5).json()
            if now["now_playing"] or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert now["session"]["dj_name"] == "DJ Nova" and now["now_playing"]["title"]
        # The README's DJ login is not the one playing: it sees what a DJ sees first.
        dashboard = signed_in_page(f"http://127.0.0.1:{port}", "dj@pika.local", "/dj/")
        assert ">Quick Start</a>" in dashboard and ">Event Mode</a>" in dashboard
        assert '<button type="submit" class="button primary big">Go Live</button>' in dashboard
        processes = descendants(terminal.process.pid)
        assert len(processes) >= 4  # the launcher, the server, the task worker (and its workers), the DJ

        terminal.ctrl_c()
        assert terminal.process.wait(60) == 0
    finally:
        if terminal.process.poll() is None:
            os.killpg(terminal.process.pid, signal.SIGKILL)
    terminal.reader.join(5)
    output = terminal.output()
    assert "Stopping Pika!…\n  Pika! stopped.\n" in output
    assert "make: ***" not in output and "Traceback" not in output and "Segmentation" not in output
    assert [pid for pid in processes if alive(pid)] == []
    # Its set ended cleanly: the DJ was stopped while the server still answered.
    assert (tmp_path / "simulated-dj.log").read_text().endswith("Set ended. Thanks for the music!\n")
