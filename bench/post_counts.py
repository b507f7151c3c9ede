"""What one track POST and its broadcast cost, counted in-process (no server, no clock).

`python -m bench.post_counts [N]` posts N tracks (default 200) as one DJ whose set drives
a stage, through Django's async test client on the bench's PostgreSQL and Redis (the same
hops as under uvicorn: the view in the sync thread, `async_to_sync` back onto this loop),
and prints per POST, split into the answer and the broadcast that runs after it
(pika/deferred.py): SQL statements, Redis round trips and commands, `async_to_sync` hops
and CPU ms of this process (`time.process_time`: every thread). Counts are exact; CPU
is the median and p90 of N. Uses the bench's database and Redis prefix (PIKA_BENCH_*,
bench/env.py); to compare with another checkout, run it from there.
"""

import asyncio
import json
import os
import statistics
import sys
import time
import traceback

# DETAIL=1 also lists every statement, Redis command and hop (with where it came from).
DETAIL = os.environ.get("DETAIL") == "1"


class Counts:
    def __init__(self):
        self.phase = "post"
        self.values = {}
        self.details = {}
        self.broadcast_cpu = []

    def detail(self, what, args):
        if what == "sql":
            names = [args[1][:70]]
        elif what == "redis commands":
            names = [str(c[0]) for c in args[1]] if isinstance(args[1], list) else [str(args[1])]
        else:
            names = ["".join(traceback.format_stack(limit=6)[:-1])]
        for name in names:
            key = (self.phase, what, name)
            self.details[key] = self.details.get(key, 0) + 1

    def add(self, what, n=1):
        key = (self.phase, what)
        self.values[key] = self.values.get(key, 0) + n


def instrument(counts):
    """Count SQL, Redis and hops from here on, labelled by the current phase."""
    import redis.asyncio.connection
    import redis.connection
    from asgiref.sync import AsyncToSync
    from django.db.backends import utils
    from django.db.backends.base.base import BaseDatabaseWrapper

    from pika import deferred

    def wrap(owner, name, what, size=lambda *args: 1):
        original = getattr(owner, name)

        def counted(*args, **kwargs):
            counts.add(what, size(*args))
            if DETAIL and what not in ("redis round trips", "sql transactions"):
                counts.detail(what, args)
            return original(*args, **kwargs)

        setattr(owner, name, counted)

    wrap(utils.CursorWrapper, "_execute", "sql")
    wrap(utils.CursorWrapper, "_executemany", "sql")
    # A transaction adds two round trips the statements do not show: BEGIN and COMMIT.
    wrap(BaseDatabaseWrapper, "_commit", "sql transactions")
    for module in (redis.connection, redis.asyncio.connection):
        # One packed write is one round trip; a pipeline packs all of its commands into one.
        wrap(module.Connection, "send_packed_command", "redis round trips")
        wrap(module.Connection, "send_command", "redis commands")
        wrap(module.Connection, "pack_commands", "redis commands", lambda self, commands: len(commands))
    wrap(AsyncToSync, "__call__", "async_to_sync hops")

    run = deferred._run

    def broadcast(queue):
        counts.phase = "broadcast"
        started = time.process_time()
        try:
            run(queue)
        finally:
            counts.phase = "post"
            counts.broadcast_cpu.append((time.process_time() - started) * 1000)

    deferred._run = broadcast


async def post_tracks(world, posts, warmup=20):
    from django.test import AsyncClient

    client = AsyncClient()
    auth = {"Authorization": f"Bearer {world.dj_tokens[0]}"}
    answer = await client.post("/api/v1/sessions", {"dj_name": "DJ Counts", "stage": world.stage_codes[1]},
                               content_type="application/json", headers=auth)
    assert answer.status_code == 201, answer.content
    dj_set_id = answer.json()["id"]
    counts = Counts()
    cpu = []
    for k in range(warmup + posts):
        if k == warmup:
            instrument(counts)
        started = time.process_time()
        answer = await client.post(f"/api/v1/sessions/{dj_set_id}/tracks",
                                   {"artist": "Bench Artist", "title": f"Counted track {k}", "bpm": 98},
                                   content_type="application/json", headers=auth)
        if k >= warmup:
            cpu.append((time.process_time() - started) * 1000)
        assert answer.status_code == 201, answer.content
    await client.post(f"/api/v1/sessions/{dj_set_id}/end", content_type="application/json", headers=auth)
    cpu.sort()
    broadcast_cpu = sorted(counts.broadcast_cpu)
    for (phase, what, name), n in sorted(counts.details.items()):
        print(f"{n / posts:6.2f}  {phase:9} {what:18} {name}")
    return {
        "posts": posts,
        "per_post": {f"{phase}: {what}": round(n / posts, 2) for (phase, what), n in sorted(counts.values.items())},
        "cpu_ms_post_and_broadcast": {"p50": round(statistics.median(cpu), 2), "p90": round(cpu[int(len(cpu) * 0.9)], 2)},
        "cpu_ms_broadcast": {"p50": round(statistics.median(broadcast_cpu), 2),
                             "p90": round(broadcast_cpu[int(len(broadcast_cpu) * 0.9)], 2)},
    }


def main():
    from bench import env

    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    env.ensure_database()
    env.setup_django()
    world = env.seed(stages=2, djs=1, set_tracks=0)
    print(json.dumps(asyncio.run(post_tracks(world, posts)), indent=2))


if __name__ == "__main__":
    main()
