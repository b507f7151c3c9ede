"""Pika!'s settings with psycopg's connection pool (Django 5.1+), to measure what a
new PostgreSQL connection per request and per WebSocket connect costs."""

from pika.settings import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (the pool replaces persistent connections)
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 16}  # noqa: F405
