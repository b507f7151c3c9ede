"""Outage drills: real processes the test starts, stops and kills.

A private redis-server on a free port (never the shared one), the Pika! server as real
uvicorn processes, and for the database drill a private PostgreSQL cluster made with
initdb in a temporary directory.
"""

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import websockets

from tests.live_server import free_port

pytestmark = [pytest.mark.slow, pytest.mark.faults]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class PrivateRedis:
    """redis-server on its own port, no persistence; stop() and start() keep the port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.dir = tempfile.mkdtemp(prefix="pika-redis-")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        wait_for(lambda: _pings(client), 10, "redis-server to start")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)  # an outage, not a graceful shutdown
            self.process.wait(10)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _pings(client):
    try:
        return client.ping()
    except Exception:
        return False


@pytest.fixture
def private_redis():
    redis_server = PrivateRedis().start()
    yield redis_server
    redis_server.cleanup()


@pytest.fixture
def server_env(private_redis):
    """The environment of a server process using the private Redis."""
    run = uuid.uuid4().hex[:8]
    return {"REDIS_URL": private_redis.url, "PIKA_CHANNEL_PREFIX": f"fault-{run}", "PIKA_CACHE_PREFIX": f"fault-{run}"}


class Phone:
    """A dancer's phone on a stage page's socket: keeps every message it is sent."""

    def __init__(self, server_url, path):
        self.url = server_url.replace("http", "ws") + path
        self.origin = server_url
        self.messages = []
        self.socket = None

    async def connect(self):
        self.socket = await websockets.connect(self.url, origin=self.origin)
        self.messages.append(await self.socket.recv())
        self.task = asyncio.ensure_future(self._listen())
        return self

    async def _listen(self):
        try:
            async for message in self.socket:
                self.messages.append(message)
        except websockets.ConnectionClosed:
            pass

    def seen(self, text):
        return any(text in message for message in self.messages)

    async def close(self):
        await self.socket.close()
        self.task.cancel()


async def eventually(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def postgres_bin(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is missing: apt-get install postgresql")
    return str(found[-1])


class PrivatePostgres:
    """A PostgreSQL cluster of its own: initdb in a temporary directory, a free port."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="pika-pg-")
        self.data = os.path.join(self.dir, "data")
        self.user = "pika"
        self.url = f"postgres://{self.user}@127.0.0.1:{self.port}/postgres"
        self.process = None
        self._as_user = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the cluster belongs to an unprivileged user.
            import pwd

            user = next((name for name in ("postgres", "nobody") if _user_exists(name)), None)
            os.chown(self.dir, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
            self._as_user = ["runuser", "-u", user, "--"]

    def initdb(self):
        subprocess.run([*self._as_user, postgres_bin("initdb"), "-D", self.data, "-U", self.user, "-A", "trust",
                        "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
        return self

    def start(self):
        self.log = open(os.path.join(self.dir, "log.txt"), "ab")
        self.process = subprocess.Popen(
            [*self._as_user, postgres_bin("postgres"), "-D", self.data, "-p", str(self.port), "-h", "127.0.0.1",
             "-k", self.dir, "-c", "fsync=off", "-c", "max_connections=50"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        import psycopg

        def ready():
            try:
                psycopg.connect(self.url, connect_timeout=1).close()
                return True
            except psycopg.OperationalError:
                return False

        wait_for(ready, 30, "postgres to start")
        return self

    def stop(self, sig=signal.SIGINT):
        """SIGINT is PostgreSQL's "fast" shutdown: in-flight queries are cut off."""
        if self.process and self.process.poll() is None:
            # The postmaster itself (runuser, when we are root, does not pass signals on).
            pid_file = Path(self.data) / "postmaster.pid"
            pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else self.process.pid
            os.kill(pid, sig)
            self.process.wait(30)
            self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(name):
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
