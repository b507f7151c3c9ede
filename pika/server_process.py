"""A real ASGI server process, as `make run` starts it: the one launcher the benchmark
(`bench/`) and the end-to-end tests (`tests/`: browser journeys, several processes) share.

Only the standard library and httpx: importing it sets up nothing.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(kind, port):
    """The server command line. uvicorn's is `make run`'s (WebSocket compression off:
    docs/benchmarks.md says why), plus a deep accept backlog for connect storms."""
    if kind == "uvicorn":
        return [sys.executable, "-m", "uvicorn", "pika.asgi:application", "--host", "127.0.0.1",
                "--port", str(port), "--no-access-log", "--lifespan", "off", "--backlog", "4096",
                # Pika! reads X-Forwarded-For itself (PIKA_TRUSTED_PROXIES), as in production.
                "--no-proxy-headers", "--ws-per-message-deflate", "false"]
    if kind == "daphne":
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "pika.asgi:application"]
    raise ValueError(f"unknown server {kind!r}")


SERVERS = ("uvicorn", "daphne")


class ServerProcess:
    """One server on a free port (or `port`), with `env` on top of this process's environment.

    `start()` waits until /healthz answers; `stop()` terminates it (SIGTERM, then SIGKILL);
    `restart()` keeps the port, so open pages reconnect to the same address.
    """

    def __init__(self, env=None, *, kind="uvicorn", extra_args=(), port=None, log_dir=None, start_timeout=60,
                 cwd=None):
        self.kind = kind
        # Another checkout's code (the bench's --paint-against): its modules come first on sys.path.
        self.cwd = Path(cwd or ROOT)
        self.extra_env = dict(env or {})
        self.extra_args = tuple(extra_args)
        self.port = port or free_port()
        self.log_dir = Path(log_dir or ROOT / "var")
        self.start_timeout = start_timeout
        self.process = None
        self.log = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    @property
    def log_path(self):
        return self.log_dir / f"server-{self.port}.log"

    @property
    def pid(self):
        return self.process.pid

    def environment(self):
        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "pika.settings")
        env.update({"PIKA_BASE_URL": self.url})
        env.update(self.extra_env)
        # A test process may allow Django's ORM in async code; a real server never does.
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def start(self):
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # A new server starts its own log (an earlier one on this port, in this test run or
        # another, left one there); a restart adds to it.
        self.log = open(self.log_path, "ab" if self.process else "wb")
        self.process = subprocess.Popen(server_command(self.kind, self.port) + list(self.extra_args),
                                        cwd=self.cwd, env=self.environment(),
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early; see {self.log_path}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start within {self.start_timeout} s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()
            self.log = None

    def restart(self):
        self.stop()
        return self.start()

    def _status(self, key):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB → MiB
        return 0.0

    def rss_mb(self):
        return self._status("VmRSS")

    def peak_rss_mb(self):
        return self._status("VmHWM")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
