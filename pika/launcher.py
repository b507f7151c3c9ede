"""`manage.py pika_demo --serve` (what `make run` runs): the demo's processes, owned by one parent.

The ASGI server, the task worker and the simulated DJ each run in a process group of their
own, and the launcher takes the terminal's foreground for itself, so a Ctrl-C reaches only
the launcher (not `make`, not the children at once). It then stops them in order, the DJ
first so its set ends while the server still answers, and exits 0. The shell version this
replaces (`trap 'kill 0' INT TERM EXIT` under /bin/sh) ended every Ctrl-C with make's
"Segmentation fault" line.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 10


class Stop(Exception):
    """Ctrl-C or SIGTERM: stop everything and exit 0."""


class CannotStart(Exception):
    """The demo cannot run; the message says why and what to do."""


def port_is_free(host, port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Child:
    """One process of the demo, in a process group of its own."""

    def __init__(self, name, args, env, log_path=None):
        self.name = name
        self.log = open(log_path, "ab") if log_path else None
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT if self.log else None,
            start_new_session=True,
        )
        self.reported = False

    @property
    def running(self):
        return self.process.poll() is None

    def stop(self):
        """SIGTERM and wait; whatever is left of its group (a worker's workers) is killed."""
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass  # the group is already empty
        self.process.wait()
        if self.log:
            self.log.close()


class Terminal:
    """Holds the terminal's foreground while the demo runs, so Ctrl-C is ours alone."""

    def __init__(self):
        self.fd = None
        self.previous = None

    def take(self):
        try:
            fd = sys.stdin.fileno()
            if not os.isatty(fd) or os.tcgetpgrp(fd) != os.getpgrp():
                return
            previous = os.getpgrp()
            os.setpgid(0, 0)
            # A background group may not set the foreground without this.
            signal.signal(signal.SIGTTOU, signal.SIG_IGN)
            os.tcsetpgrp(fd, os.getpgrp())
        except (OSError, ValueError):
            return  # no terminal, or not ours to take: signals still reach us
        self.fd, self.previous = fd, previous

    def give_back(self):
        if self.fd is not None:
            try:
                os.tcsetpgrp(self.fd, self.previous)
            except OSError:
                pass


def _raise_stop(signum, frame):
    raise Stop()


def serve(demo, host, port, every, say, var_dir):
    """Run server, worker and simulated DJ until Ctrl-C or SIGTERM; return the exit status."""
    if not port_is_free(host, port):
        raise CannotStart(
            f"{host}:{port} is already in use (another `make run`?). "
            f"Stop that one, or choose another port: make run PORT={port + 1}"
        )
    url = f"http://{host}:{port}"
    env = os.environ | {"PIKA_BASE_URL": url, "PYTHONUNBUFFERED": "1"}
    terminal = Terminal()
    children = []
    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    try:
        terminal.take()
        server = Child("server", [
            sys.executable, "-m", "uvicorn", "pika.asgi:application", "--host", host, "--port", str(port),
            # Pika! has no startup or shutdown work; errors and warnings only (the links are below).
            "--lifespan", "off", "--no-access-log", "--log-level", "warning", "--no-proxy-headers",
            "--ws-per-message-deflate", "false",
        ], env)
        children.append(server)
        children.append(Child("task worker", [sys.executable, "manage.py", "qcluster"], env,
                              var_dir / "worker.log"))
        _wait_until_up(server, url)
        dj = Child("simulated DJ", [
            sys.executable, "-m", "pika_dj", "simulate", "--server", url, "--stage", demo.stages[0].code,
            "--every", f"{every:g}", "--count", "0", "--no-qr",
        ], env | {"PIKA_TOKEN": demo.simulated_dj_token}, var_dir / "simulated-dj.log")
        children.insert(0, dj)  # stopped first: its set ends while the server still answers
        say(demo.welcome(url, every))
        while True:
            time.sleep(0.2)
            if not server.running:
                raise CannotStart("The server stopped (its messages are above).")
            for child in children:
                if not child.running and not child.reported:
                    child.reported = True
                    say(f"  The {child.name} stopped; see {child.log.name}.")
    except Stop:
        say("\n  Stopping Pika!…")
        return 0
    finally:
        # A second Ctrl-C while stopping must not leave children behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in children:
            child.stop()
        terminal.give_back()


def _wait_until_up(server, url):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not server.running:
            raise CannotStart("The server did not start (its messages are above).")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise CannotStart(f"The server did not answer on {url} within a minute.")
