"""Real server processes for end-to-end tests, started by the one launcher the benchmark
also uses (`pika/server_process.py`), sharing the running test's database."""

import asyncio

from django.conf import settings
from django.db import connection

from pika.server_process import ROOT, ServerProcess, free_port  # noqa: F401  (tests import them from here)


def shared_database_url():
    """The URL of the database the running test uses, for a server process to share."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def server_for_test(extra_args=(), port=None, **extra_env):
    """A server process (not started) on the test's database and Redis."""
    env = {
        "DATABASE_URL": shared_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "pika.settings",
        # Accounts made by the test are hashed with the test's (fast) hashers.
        "PASSWORD_HASHERS": ",".join(settings.PASSWORD_HASHERS),
    }
    env.update(extra_env)
    return ServerProcess(env, extra_args=extra_args, port=port, start_timeout=30)


async def socket_receive_until(socket, text, timeout=10):
    """The first message on a real WebSocket client containing `text`."""

    async def wait():
        while True:
            message = await socket.recv()
            if text in message:
                return message

    return await asyncio.wait_for(wait(), timeout)
