"""(f) Beyond one machine: two server processes, the channel layer sharded over two Redis.

A second Redis is started for the run (`redis-server` on a free port, nothing saved); the
servers and this process get both in PIKA_CHANNEL_REDIS_URLS, so each group lives on one of
them by a hash of its name. 100 stages (of 100 weekends) × 10 phones are spread over both
processes; one track is posted to every stage; each phone must get its own stage's track and never another's.
The 4000-phone fan-out over the same two processes is the `2x4000` fan-out scenario run
with `--two-redis` (bench/__main__.py).
"""

import asyncio
import re
import shutil
import subprocess
import time

from bench.stats import summary_ms

STAGES, PHONES_EACH = 100, 10
TITLE = re.compile(r"Routing r(\d{3})X")


class SecondRedis:
    """A throwaway redis-server on a free port (no persistence)."""

    def __init__(self):
        from pika.server_process import free_port

        if not shutil.which("redis-server"):
            raise SystemExit("--two-redis needs redis-server on the PATH")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no",
                                         "--maxclients", "20000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        for _ in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the second redis-server did not start")

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)


def seed_stages():
    """100 published stages, each of its own weekend (a stage page also shows the other
    rooms of its event, so rooms of one event would hear each other by design), each with a
    live set: [(stage code, set id)]."""
    from django.utils import timezone

    from accounts.models import User
    from events.models import Event
    from stages.models import DJSet, Stage

    run = time.strftime("%Y%m%d%H%M%S")
    organizer, _ = User.objects.get_or_create(email="bench-organizer@pika.local", defaults={"display_name": "Bench Org"})
    today = timezone.localdate()
    found = []
    for i in range(STAGES):
        event = Event.objects.create(organizer=organizer, name=f"Bench Routing {run} {i:03}",
                                     slug=f"routing-{run}-{i:03}", starts_on=today, ends_on=today,
                                     timezone="Europe/Paris", status=Event.Status.PUBLISHED)
        stage = Stage.objects.create(event=event, name="Main Floor")
        dj, _ = User.objects.get_or_create(email=f"bench-routing-{i:03}@pika.local",
                                           defaults={"display_name": f"DJ Routing {i:03}"})
        found.append((stage.code, DJSet.objects.go_live(dj, f"DJ Routing {i:03}", stage)[0].pk))
    return found


async def _phones(servers, stages, received, ready):
    from websockets.asyncio.client import connect

    gate = asyncio.Semaphore(100)
    sockets = []

    async def phone(n, index, code):
        server = servers[n % len(servers)]
        async with gate:
            ws = await connect(f"{server.ws_url}/ws/stages/{code}/", origin=server.url, ping_interval=None,
                               max_size=None)
        sockets.append(ws)
        await ws.recv()  # the first state
        ready.append(1)
        async for message in ws:
            for found in TITLE.findall(message):
                received[n].append((int(found), time.monotonic()))

    tasks = [asyncio.create_task(phone(n, index, code))
             for n, (index, code) in enumerate((i, code) for i, (code, _) in enumerate(stages) for _ in range(PHONES_EACH))]
    return tasks, sockets


async def _run(servers, stages):
    from channels.db import database_sync_to_async

    from stages.models import DJSet

    received = {n: [] for n in range(STAGES * PHONES_EACH)}
    ready = []
    started = time.monotonic()
    tasks, sockets = await _phones(servers, stages, received, ready)
    while len(ready) < len(received):
        await asyncio.sleep(0.05)
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(2)

    @database_sync_to_async
    def post(set_id, index):
        DJSet.objects.get(pk=set_id).add_track(artist="Bench", title=f"Routing r{index:03}X")

    sent = {}
    for index, (_, set_id) in enumerate(stages):
        sent[index] = time.monotonic()
        await post(set_id, index)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(not got for got in received.values()):
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # a stray frame of another room would arrive by now
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in sockets:
        await ws.close()

    cross, missed, latencies = 0, 0, []
    for n, got in received.items():
        own = n // PHONES_EACH
        cross += sum(1 for index, _ in got if index != own)
        mine = [at for index, at in got if index == own]
        if mine:
            latencies.append(mine[0] - sent[own])
        else:
            missed += 1
    return {"stages": STAGES, "phones": len(received), "processes": len(servers), "connect_seconds": connect_seconds,
            "cross_room_frames": cross, "missed": missed, "latency_ms": summary_ms(latencies)}


def run(servers):
    """Servers are started (with both Redis in PIKA_CHANNEL_REDIS_URLS); so is this process."""
    stages = seed_stages()
    return asyncio.run(_run(servers, stages))
