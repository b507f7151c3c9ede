"""(f) The floor votes: 1000 phones on one stage tap a tempo vote within 10 s while the DJ
keeps posting tracks. Does a track still reach every phone as fast, and is every vote
counted exactly?

The listeners are fan-out's (bench/fanout.py): separate client processes holding one
WebSocket each. The voters are the same phones' taps, sent from this process as each
phone's browser would (its own signed `pika_client` cookie and CSRF token, htmx's header),
spread evenly over the window, each on the track playing then. A vote that races a track
change by more than 20 s is refused (409, "no longer playing") and tapped once more on
the new track, as a dancer would. Track latency is measured as in fan-out, first with nobody voting, then
during the votes; at the end the database's totals must equal the accepted votes exactly.
"""

import asyncio
import http.cookiejar
import threading
import time
from collections import Counter

import httpx

from bench.fanout import _marker, start_clients
from bench.stats import summary_ms

CHOICES = ("slower", "perfect", "faster")
# A dancer whose tap is refused because the song just changed taps once more, on the new one.
TAPS = 2
# Every phone here shares 127.0.0.1, as a venue behind one NAT shares its address; and the
# server keeps PostgreSQL connections in a pool, as docker-compose.yml runs it.
SERVER_ENV = {"PIKA_CROWD_IP_RATE": "1000000/m", "PIKA_DB_POOL_SIZE": "8"}


class _Voters:
    """The phones' taps, on their own event loop in a thread."""

    def __init__(self, base_url, set_code, current, phones, window):
        # Django is set up by the bench's main, after this module is imported.
        from django.utils.crypto import get_random_string

        from pika.middleware import new_client_id

        self.base_url, self.set_code, self.current = base_url, set_code, current
        self.phones, self.window = phones, window
        self.ids = [(new_client_id(), get_random_string(32)) for _ in range(phones)]
        self.accepted = Counter()  # (track id, choice) -> votes the server took
        self.statuses = Counter()
        self.retries = 0
        self.tap_seconds = []
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="bench-voters", daemon=True)

    async def _vote(self, client, i, at):
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        client_id, csrf = self.ids[i]
        choice = CHOICES[i % len(CHOICES)]
        headers = {"Cookie": f"pika_client={client_id}; csrftoken={csrf}", "X-CSRFToken": csrf, "HX-Request": "true"}
        for attempt in range(TAPS):
            track_id = self.current["id"]
            began = time.monotonic()
            try:
                response = await client.post(f"/live/{self.set_code}/tracks/{track_id}/tempo",
                                              data={"vote": choice}, headers=headers)
            except httpx.HTTPError:
                self.statuses["error"] += 1
                return
            self.tap_seconds.append(time.monotonic() - began)
            if response.status_code in (409, 503) and attempt < TAPS - 1:
                # The song changed under the thumb (or the database was busy): tap again.
                self.retries += 1
                self.statuses[f"retapped after {response.status_code}"] += 1
                await asyncio.sleep(0.2)
                continue
            self.statuses[response.status_code] += 1
            if response.status_code == 200:
                self.accepted[(track_id, choice)] += 1
            return

    async def _main(self):
        policy = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])  # each phone sends its own
        async with httpx.AsyncClient(base_url=self.base_url, timeout=180, cookies=http.cookiejar.CookieJar(policy),
                                     limits=httpx.Limits(max_connections=100)) as client:
            start = time.monotonic() + 0.2
            step = self.window / self.phones
            await asyncio.gather(*(self._vote(client, i, start + i * step) for i in range(self.phones)))
        self.finished = time.monotonic()

    def start(self):
        self.started = time.monotonic()
        self.thread.start()

    def running(self):
        return self.thread.is_alive()


def run(server, stage_code, token, phones=1000, window=10.0, quiet_tracks=10, warmup=3, gap=1.5, clients=1,
        connect_concurrency=100, settle=2.5):
    """`gap`: seconds between one track reaching every phone and the next POST, so a new
    track every 2 s or so: far faster than a DJ (3–4 minutes), slow enough that most taps
    land on the track they were meant for."""
    # Django is set up by the bench's main, after this module is imported.
    from crowd.models import TempoVote
    from stages.models import DJSet

    api = httpx.Client(base_url=server.url + "/api/v1", timeout=30, headers={"Authorization": f"Bearer {token}"})
    created = api.post("/sessions", json={"dj_name": "DJ Floor Votes", "stage": stage_code})
    created.raise_for_status()
    dj_set_id, set_code = created.json()["id"], created.json()["code"]
    httpx.get(f"{server.url}/s/{stage_code}", timeout=30).raise_for_status()

    targets = [(f"{server.ws_url}/ws/stages/{stage_code}/", server.url)] * phones
    pipes, processes = start_clients(targets, clients, connect_concurrency)
    for pipe in pipes:
        pipe.send(("connect",))
    opened = 0
    for pipe in pipes:
        opened += pipe.recv()[1]
    time.sleep(settle)

    current = {"id": None}
    k = 0
    missed = 0

    def post_track():
        """Post the next track; its latency to every phone (seconds), as in fan-out."""
        nonlocal k, missed
        t0 = time.monotonic()
        response = api.post(f"/sessions/{dj_set_id}/tracks", json={"artist": "Bench Artist", "title": f"Track {_marker(k)}"})
        response.raise_for_status()
        current["id"] = response.json()["id"]
        deadline = time.monotonic() + 30
        for pipe in pipes:
            pipe.send(("wait", k, deadline))
        times = []
        for pipe in pipes:
            _, arrived, open_now = pipe.recv()
            times += [t - t0 for t in arrived]
            missed += open_now - len(arrived)
        k += 1
        time.sleep(gap)
        return times

    for _ in range(warmup):
        post_track()
    missed = 0
    quiet = []
    for _ in range(quiet_tracks):
        quiet += post_track()

    voters = _Voters(server.url, set_code, current, phones, window)
    voters.start()
    voting, voting_tracks = [], 0
    while voters.running():
        voting += post_track()
        voting_tracks += 1
    voters.thread.join()

    for pipe in pipes:
        pipe.send(("close",))
    for pipe in pipes:
        pipe.recv()
    for process in processes:
        process.join(10)
    api.post(f"/sessions/{dj_set_id}/end")
    api.close()

    dj_set = DJSet.objects.get(pk=dj_set_id)
    stored = Counter()
    for track_id, totals in TempoVote.objects.totals_by_track(dj_set).items():
        for choice, n in totals.items():
            if n:
                stored[(track_id, choice)] = n
    accepted_total = sum(voters.accepted.values())
    return {
        "phones": phones,
        "connected": opened,
        "window_seconds": window,
        "votes_seconds": voters.finished - voters.started,
        "tracks_quiet": quiet_tracks,
        "tracks_while_voting": voting_tracks,
        "quiet_ms": summary_ms(quiet),
        "voting_ms": summary_ms(voting),
        "missed": missed,
        "accepted": accepted_total,
        "stored": sum(stored.values()),
        # Every vote the server took is stored once, on its track, with its choice; nothing else is.
        "counted_exactly": stored == voters.accepted,
        "retaps": voters.retries,
        "statuses": dict(voters.statuses),
        "tap_ms": summary_ms(voters.tap_seconds),
    }
