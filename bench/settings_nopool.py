"""Pika!'s settings without the PostgreSQL connection pool (a new connection per request
and per socket's first state, as before), to measure what the pool gives."""

from pika.settings import *  # noqa: F403

DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
