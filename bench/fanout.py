"""(a) Fan-out: N phones on one stage, a DJ posts tracks, how fast does each phone hear it?

Listeners run in separate client processes (asyncio + the `websockets` package, offering
permessage-deflate like a browser), spread round-robin over the server processes. The
DJ posts through the token API; a track's latency is from just before its POST to its
arrival at each listener (the first message that carries it), on the machine's
monotonic clock, which every process shares.
"""

import asyncio
import multiprocessing
import resource
import time
from collections import defaultdict

import httpx

from bench.stats import summary_ms

MARK = "BENCH"


def _marker(k):
    return f"{MARK}{k}X"


class _Counts:
    def __init__(self):
        self.open = 0
        self.failed = 0
        self.connect_seconds = []  # per socket: the handshake, once through the gate
        self.first_state_at = []  # per socket: when its first message (the state) arrived


async def _listen(url, origin, arrivals, gate, counts):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    try:
        async with gate:
            began = time.monotonic()
            ws = await connect(url, origin=origin, open_timeout=120, ping_interval=None,
                               close_timeout=1, max_size=None)
            counts.connect_seconds.append(time.monotonic() - began)
    except Exception:
        counts.failed += 1
        return
    counts.open += 1
    last = -1
    first = True
    try:
        async for message in ws:
            at = time.monotonic()
            if first:
                counts.first_state_at.append(at)
                first = False
            i = message.find(MARK)
            if i < 0:
                continue
            k = int(message[i + len(MARK):message.find("X", i)])
            if k > last:
                last = k
                arrivals[k].append(at)
    except ConnectionClosed:
        pass
    finally:
        counts.open -= 1
        await ws.close()


async def _client_main(conn, targets, connect_concurrency):
    arrivals = defaultdict(list)
    counts = _Counts()
    gate = asyncio.Semaphore(connect_concurrency)
    tasks = []

    async def recv():
        return await asyncio.to_thread(conn.recv)

    while True:
        command, *args = await recv()
        if command == "connect":
            started = time.monotonic()
            tasks = [asyncio.create_task(_listen(url, origin, arrivals, gate, counts)) for url, origin in targets]
            while counts.open + counts.failed < len(targets):
                await asyncio.sleep(0.01)
            opened_at = time.monotonic()
            # Open is not yet current: wait (a little) for every socket's first state.
            while len(counts.first_state_at) < counts.open and time.monotonic() < opened_at + 30:
                await asyncio.sleep(0.01)
            conn.send(("connected", counts.open, counts.failed, opened_at, counts.connect_seconds,
                       max(counts.first_state_at, default=opened_at)))
        elif command == "wait":
            k, deadline = args
            while len(arrivals[k]) < counts.open and time.monotonic() < deadline:
                await asyncio.sleep(0.002)
            conn.send(("arrivals", arrivals.pop(k, []), counts.open))
        elif command == "close":
            held = counts.open
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            conn.send(("closed", held, usage.ru_utime + usage.ru_stime))
            return


def _client_process(conn, targets, connect_concurrency):
    from bench.env import raise_fd_limit

    raise_fd_limit()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_client_main(conn, targets, connect_concurrency))


def start_clients(targets, clients, connect_concurrency):
    """Load-generator processes, each with its share of `targets`: (their pipes, the processes)."""
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for c in range(clients):
        parent, child = context.Pipe()
        process = context.Process(target=_client_process, args=(child, targets[c::clients], connect_concurrency),
                                  daemon=True)
        process.start()
        pipes.append(parent)
        processes.append(process)
    return pipes, processes


def _start_profiler(servers, profile_dir, phase):
    """py-spy on each server for the posting phase (collapsed stacks, for flame graphs)."""
    import shutil
    import subprocess

    if not profile_dir:
        return []
    if not shutil.which("py-spy"):
        raise SystemExit("--profile needs py-spy (pip install py-spy)")
    profile_dir.mkdir(parents=True, exist_ok=True)
    return [subprocess.Popen(["py-spy", "record", "--pid", str(s.process.pid), "--rate", "250", "--format", "raw",
                              "--output", str(profile_dir / f"{phase}-{s.port}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for s in servers]


def _stop_profiler(profilers):
    import signal

    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
        profiler.wait(30)


def run(servers, stage_code, token, listeners, tracks=20, warmup=3, clients=1, gap=0.3,
        connect_concurrency=100, profile_dir=None, settle=2.5):
    """One scenario. Fresh server processes are expected (peak RSS is per process)."""
    api = httpx.Client(base_url=servers[0].url + "/api/v1", timeout=30,
                       headers={"Authorization": f"Bearer {token}"})
    dj_set = api.post("/sessions", json={"dj_name": "DJ Fan-out", "stage": stage_code})
    dj_set.raise_for_status()
    dj_set_id = dj_set.json()["id"]

    # Warm each server's page path once, then note its memory before the phones arrive.
    for server in servers:
        httpx.get(f"{server.url}/s/{stage_code}", timeout=30).raise_for_status()
    rss_idle = [server.rss_mb() for server in servers]

    targets = [(f"{servers[i % len(servers)].ws_url}/ws/stages/{stage_code}/", servers[i % len(servers)].url)
               for i in range(listeners)]
    pipes, processes = start_clients(targets, clients, connect_concurrency)

    profilers = _start_profiler(servers, profile_dir, "connect")
    started = time.monotonic()
    for pipe in pipes:
        pipe.send(("connect",))
    opened = failed = 0
    all_open = all_current = started
    handshakes = []
    for pipe in pipes:
        _, ok, bad, opened_at, connect_times, current_at = pipe.recv()
        opened, failed = opened + ok, failed + bad
        all_open, all_current = max(all_open, opened_at), max(all_current, current_at)
        handshakes += connect_times
    connect_seconds = all_open - started
    _stop_profiler(profilers)
    # Listener counts are coalesced (one broadcast a second): let them settle.
    time.sleep(settle)
    rss_connected = [server.rss_mb() for server in servers]
    cpu_before = [server.cpu_seconds() for server in servers]
    profilers = _start_profiler(servers, profile_dir, "posting")

    latencies, post_seconds, missed = [], [], 0
    for k in range(warmup + tracks):
        t0 = time.monotonic()
        response = api.post(f"/sessions/{dj_set_id}/tracks", json={"artist": "Bench Artist", "title": f"Track {_marker(k)}"})
        post_seconds.append(time.monotonic() - t0)
        response.raise_for_status()
        deadline = time.monotonic() + 30
        for pipe in pipes:
            pipe.send(("wait", k, deadline))
        still_open = 0
        for pipe in pipes:
            _, times, open_now = pipe.recv()
            still_open += open_now
            if k >= warmup:
                latencies.extend(t - t0 for t in times)
                missed += open_now - len(times)
        time.sleep(gap)

    _stop_profiler(profilers)
    cpu_used = [after - before for after, before in zip([s.cpu_seconds() for s in servers], cpu_before)]
    peak = [server.peak_rss_mb() for server in servers]
    held, client_cpu = 0, 0.0
    for pipe in pipes:
        pipe.send(("close",))
    for pipe in pipes:
        _, h, cpu = pipe.recv()
        held, client_cpu = held + h, client_cpu + cpu
    for process in processes:
        process.join(10)
    api.post(f"/sessions/{dj_set_id}/end")
    api.close()

    per_process = listeners / len(servers)
    return {
        "listeners": listeners,
        "processes": len(servers),
        "server": servers[0].kind,
        "tracks": tracks,
        "connected": opened,
        "connect_failed": failed,
        "connect_seconds": connect_seconds,
        # Every socket open and holding its first state (the page is current).
        "current_seconds": all_current - started,
        "handshake_ms": summary_ms(handshakes),
        "held": held,
        "missed": missed,
        "latency_ms": summary_ms(latencies),
        "post_ms": summary_ms(post_seconds[warmup:]),
        "rss_idle_mb": rss_idle,
        "rss_connected_mb": rss_connected,
        "peak_rss_mb": peak,
        # The target: a process's peak memory for each thousand sockets it holds.
        "peak_mb_per_1000": max(peak) / (per_process / 1000),
        "growth_mb_per_1000": max((c - i) for c, i in zip(rss_connected, rss_idle)) / (per_process / 1000),
        "server_cpu_ms_per_track": [1000 * cpu / (warmup + tracks) for cpu in cpu_used],
        "client_cpu_seconds": client_cpu,
    }
