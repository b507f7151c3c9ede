"""(e) Reconnect storm: N phones on one stage, the server restarts, a track is posted while
it is down; how long until every phone shows that track again?

The phones reconnect the way the page does (static/js/pika.js): exponential backoff with
full jitter (the first retry within 1 s, capped at 15 s), asking with the newest version
they hold (`?v=`). The track is stored while the server is down by this process itself
(the same model method the token API calls, on the bench's database and Redis), as a second
server process would. Measured from the moment the restarted server answers /healthz.
"""

import asyncio
import multiprocessing
import random
import re
import time

from bench.stats import summary_ms

# The page's backoff (static/js/pika.js): delay = random() × min(CAP, BASE × 2^retry), where
# an attempt refused at once retries within BASE for the first FAST_WINDOW of an outage.
BASE_SECONDS = 1.0
CAP_SECONDS = 15.0
FAST_FAILURE_SECONDS = 1.0
FAST_WINDOW_SECONDS = 60.0


def _delay(retry, failed_fast, down_for=0.0):
    fast = failed_fast and down_for < FAST_WINDOW_SECONDS
    return random.random() * min(CAP_SECONDS, BASE_SECONDS * 2 ** (0 if fast else retry))


STATE = re.compile(r"^<!--state:([^>]*)-->")
CHANGE = re.compile(r"^<!--v:([^=>]+)=(\d+)-->")


class _Phone:
    def __init__(self):
        self.versions = None  # {group: version}, as the page keeps them
        self.current_at = None  # when it had the awaited track
        self.attempts = 0


async def _phone(url, origin, phone, gate, wanted, opened):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    retry = 0
    first = True
    down_since = None
    while True:
        target = url + (f"?v={_versions_param(phone.versions)}" if phone.versions else "")
        started = time.monotonic()
        try:
            if first:
                async with gate:
                    ws = await connect(target, origin=origin, open_timeout=60, ping_interval=None, close_timeout=1)
            else:
                phone.attempts += 1
                ws = await connect(target, origin=origin, open_timeout=60, ping_interval=None, close_timeout=1)
        except Exception as error:  # refused while the server is down, or a timeout
            now = time.monotonic()
            down_since = down_since or now
            # Refused is what a phone sees at once; here a thousand phones share one event
            # loop, which under load reports a refusal seconds late: not a slow failure.
            failed_fast = isinstance(error, ConnectionRefusedError) or now - started < FAST_FAILURE_SECONDS
            await asyncio.sleep(_delay(retry, failed_fast, now - down_since))
            retry += 1
            continue
        retry = 0
        down_since = None
        if first:
            opened.append(time.monotonic())
            first = False
        try:
            async for message in ws:
                found = STATE.match(message)
                if found:
                    phone.versions = dict((g, int(v)) for g, _, v in (p.partition("=") for p in found[1].split(",")))
                else:
                    rest = message
                    while phone.versions and (found := CHANGE.match(rest)):
                        if found[1] in phone.versions:
                            phone.versions[found[1]] = max(phone.versions[found[1]], int(found[2]))
                        rest = rest[found.end():]
                if wanted[0] and wanted[0] in message and phone.current_at is None:
                    phone.current_at = time.monotonic()
        except ConnectionClosed:
            pass
        down_since = time.monotonic()
        await asyncio.sleep(_delay(0, False))
        retry = 1


async def _client(conn, url, origin, listeners, gate_size):
    phones = [_Phone() for _ in range(listeners)]
    gate, wanted, opened = asyncio.Semaphore(gate_size), [None], []
    tasks = [asyncio.create_task(_phone(url, origin, phone, gate, wanted, opened)) for phone in phones]
    while len(opened) < listeners:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)
    # The awaited title is known before the server stops: a phone back before this process
    # hears that the server is up must still count.
    _, wanted[0] = await asyncio.to_thread(conn.recv)
    conn.send(("connected", sum(p.versions is not None for p in phones)))
    command, deadline = await asyncio.to_thread(conn.recv)
    while time.monotonic() < deadline and any(p.current_at is None for p in phones):
        await asyncio.sleep(0.02)
    conn.send(("done", [p.current_at for p in phones], sum(p.attempts for p in phones)))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _versions_param(versions):
    from urllib.parse import quote

    return quote(",".join(f"{g}={v}" for g, v in sorted(versions.items())), safe="")


def _client_process(conn, url, origin, listeners, gate_size):
    from bench.env import raise_fd_limit

    raise_fd_limit()
    asyncio.run(_client(conn, url, origin, listeners, gate_size))


def run(server, stage_code, token, listeners, gate=100, timeout=60):
    """One storm. `server` is started; it is restarted (same port) during the run."""
    import httpx

    api = httpx.Client(base_url=server.url + "/api/v1", timeout=30, headers={"Authorization": f"Bearer {token}"})
    created = api.post("/sessions", json={"dj_name": "DJ Storm", "stage": stage_code})
    created.raise_for_status()
    set_id = created.json()["id"]
    api.post(f"/sessions/{set_id}/tracks", json={"artist": "Storm", "title": "Before the storm"}).raise_for_status()

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_client_process, daemon=True,
                              args=(child, f"{server.ws_url}/ws/stages/{stage_code}/", server.url, listeners, gate))
    process.start()
    marker = f"STORM{int(time.time())}X"
    parent.send(("title", marker))
    _, with_version = parent.recv()

    stopped = time.monotonic()
    server.stop()
    _add_track(set_id, marker)
    server.start()
    back = time.monotonic()
    parent.send(("await", back + timeout))
    _, current_at, attempts = parent.recv()
    process.join(10)
    api.post(f"/sessions/{set_id}/end")
    api.close()
    times = [at - back for at in current_at if at is not None]
    return {
        "listeners": listeners,
        "with_version": with_version,
        "down_seconds": back - stopped,
        "current": len(times),
        "all_current_seconds": max(times) if len(times) == listeners else None,
        "current_ms": summary_ms([max(t, 0) for t in times]),
        "reconnect_attempts": attempts,
    }


def _add_track(set_id, title):
    from stages.models import DJSet

    DJSet.objects.get(pk=set_id).add_track(artist="Storm", title=title)
