"""(c) The track POST: latency one at a time, and how many a server sustains.

Latency: one DJ in Event Mode (the heavier case: the set drives a stage, so three
fragments are rendered and sent) posts tracks one after another, nobody listening.
Throughput: several DJs, each in their own Quick Start set, post as fast as the server
answers for a fixed time.
"""

import asyncio
import time

import httpx

from bench.stats import summary_ms


def latency(server, stage_code, token, posts=300, warmup=20):
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as api:
        dj_set = api.post("/sessions", json={"dj_name": "DJ Latency", "stage": stage_code})
        dj_set.raise_for_status()
        dj_set_id = dj_set.json()["id"]
        durations = []
        for k in range(warmup + posts):
            started = time.perf_counter()
            response = api.post(f"/sessions/{dj_set_id}/tracks",
                                json={"artist": "Bench Artist", "title": f"Latency track {k}", "bpm": 98})
            elapsed = time.perf_counter() - started
            if response.status_code != 201:
                raise RuntimeError(f"track POST answered {response.status_code}: {response.text}")
            if k >= warmup:
                durations.append(elapsed)
        api.post(f"/sessions/{dj_set_id}/end")
    return {"posts": posts, "post_ms": summary_ms(durations)}


async def _poster(server, token, stop_at, durations, errors):
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url + "/api/v1", headers=headers, timeout=30) as api:
        dj_set = await api.post("/sessions", json={"dj_name": "DJ Throughput"})
        dj_set_id = dj_set.json()["id"]
        k = 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            response = await api.post(f"/sessions/{dj_set_id}/tracks",
                                      json={"artist": "Bench Artist", "title": f"Throughput track {k}"})
            if response.status_code == 201:
                durations.append(time.perf_counter() - started)
            else:
                errors.append(response.status_code)
            k += 1
        await api.post(f"/sessions/{dj_set_id}/end")


def throughput(server, tokens, seconds=10.0):
    durations, errors = [], []

    async def main():
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_poster(server, token, stop_at, durations, errors) for token in tokens))

    started = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - started
    return {
        "concurrent_djs": len(tokens),
        "seconds": elapsed,
        "tracks": len(durations),
        "errors": len(errors),
        "tracks_per_second": len(durations) / elapsed,
        "post_ms": summary_ms(durations),
    }
