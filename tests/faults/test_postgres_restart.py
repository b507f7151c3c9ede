"""PostgreSQL restarts while the DJ's agent posts tracks and dancers load pages.

A private cluster (initdb in a temporary directory), the server as a real process and
the real `pika-dj` agent posting through it: requests caught by the restart fail with a
JSON 503 at worst, the next ones succeed, and every track is stored exactly once.
"""

import json
import os
import subprocess
import sys
import threading
import time

import httpx
import psycopg
import pytest
from pika_dj.agent import Agent
from pika_dj.client import PikaClient
from pika_dj.queue import PlayQueue
from pika_dj.tracks import Play

from tests.faults.conftest import PrivatePostgres
from tests.live_server import ROOT, server_for_test

pytestmark = [pytest.mark.slow, pytest.mark.faults]

TRACKS = 12


class GrowingHistory:
    """The DJ software's history, one more play at a time (what the agent reads)."""

    name = key = "drill"

    def __init__(self):
        self.plays = []

    def read(self):
        return list(self.plays)


@pytest.fixture
def postgres():
    cluster = PrivatePostgres().initdb().start()
    yield cluster
    cluster.cleanup()


def test_a_postgres_restart_under_load_loses_and_doubles_nothing(postgres, tmp_path):
    env = {**os.environ, "DATABASE_URL": postgres.url, "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "pika.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    demo = json.loads(subprocess.run([sys.executable, "manage.py", "pika_demo", "--json"], env=env, cwd=ROOT,
                                     check=True, capture_output=True, text=True).stdout)
    server = server_for_test(DATABASE_URL=postgres.url, REDIS_URL="").start()
    statuses, stop = [], threading.Event()

    def dancers():
        """Page and API loads all along: what a restart may do to them is a 503, never a 500."""
        with httpx.Client(base_url=server.url, timeout=10) as http:
            while not stop.is_set():
                for path in (f"/s/{demo['stages'][0]}", f"/api/v1/stages/{demo['stages'][0]}/now-playing"):
                    try:
                        statuses.append((path, http.get(path).status_code))
                    except httpx.HTTPError:
                        pass
                time.sleep(0.05)

    client = PikaClient(server.url, demo["dj_token"])
    queue = PlayQueue(tmp_path / "agent")
    history = GrowingHistory()
    try:
        dj_set = client.start_session(stage=demo["stages"][0])
        said = []
        agent = Agent(client, history, queue, dj_set["id"], say=said.append, poll=0.2)
        agent.step()  # the history is empty when the set starts (nothing to skip as "played before")
        load = threading.Thread(target=dancers, daemon=True)
        load.start()
        for n in range(TRACKS):
            history.plays.append(Play(source_id=f"play-{n}", artist="Artist", title=f"Track {n}"))
            agent.step()
            if n == 4:
                postgres.stop()  # fast shutdown: in-flight queries are cut off
            if n == 7:
                postgres.start()
            time.sleep(0.3)
        deadline = time.monotonic() + 60
        while queue.pending_count() and time.monotonic() < deadline:
            agent.step()
            time.sleep(0.2)
        stop.set()
        load.join(10)
        assert queue.pending_count() == 0
        # The drill really hit the outage: the agent was told "retry later" (a 503), and said so.
        assert any("the server answered HTTP 503" in line for line in said), said
    finally:
        stop.set()
        client.close()
        queue.close()
        server.stop()

    with psycopg.connect(postgres.url) as connection:
        titles = [row[0] for row in connection.execute("SELECT title FROM stages_playedtrack ORDER BY played_at, id")]
    assert sorted(titles) == sorted(f"Track {n}" for n in range(TRACKS))
    failures = {status for _, status in statuses if status >= 500}
    assert failures <= {503}, statuses
    assert statuses[-1][1] == 200
