"""Database work from the event loop, in a worker thread that hands its connection back."""

import django.db
from asgiref.sync import sync_to_async


def _returning_connection(func):
    def run(*args, **kwargs):
        django.db.close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            # With PostgreSQL's pool this puts the connection back (without it, closes it
            # or keeps it for CONN_MAX_AGE). Called here, not left to Channels'
            # database_sync_to_async: its test communicator turns that closing off, so in
            # the socket tests every worker thread kept a pooled connection until the pool
            # was empty and connects waited PIKA_DB_POOL_TIMEOUT for one.
            django.db.close_old_connections()

    return run


def in_worker_thread(func):
    """`func` (a plain function that queries the database) as an awaitable run in the
    event loop's worker threads, not the one shared "thread-sensitive" thread, so that a
    burst of connects queries in parallel. Never for code that must see the caller's
    transaction (a worker thread has its own connection)."""
    return sync_to_async(_returning_connection(func), thread_sensitive=False)
