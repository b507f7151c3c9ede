"""Real ASGI server processes for end-to-end tests (browser journeys, multi-process)."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url():
    """The URL of the database the running test uses, for a server process to share."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class ServerProcess:
    """`uvicorn pika.asgi:application` on a free port, sharing the test's database."""

    def __init__(self, port=None, extra_env=None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process = None
        self.log_path = ROOT / "var" / f"server-{self.port}.log"

    def env(self):
        env = os.environ.copy()
        env.update({
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "PIKA_BASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "pika.settings",
            # Accounts made by the test are hashed with the test's (fast) hashers.
            "PASSWORD_HASHERS": ",".join(settings.PASSWORD_HASHERS),
        })
        env.update(self.extra_env)
        return env

    def start(self):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "pika.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log", "--no-proxy-headers", "--lifespan", "off"],
            cwd=ROOT, env=self.env(), stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start within 30 s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def restart(self):
        self.stop()
        return self.start()


async def socket_receive_until(socket, text, timeout=10):
    """The first message on a real WebSocket client containing `text`."""

    async def wait():
        while True:
            message = await socket.recv()
            if text in message:
                return message

    return await asyncio.wait_for(wait(), timeout)
