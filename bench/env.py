"""The bench's own world: its database and Redis prefix, server processes, seeded data."""

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("PIKA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pika_bench")
REDIS_URL = os.environ.get("PIKA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = os.environ.get("PIKA_BENCH_PREFIX", "pika-bench")
VAR_DIR = Path(os.environ.get("PIKA_BENCH_VAR_DIR", "/tmp/pika-bench"))


def raise_fd_limit():
    """Thousands of sockets need thousands of descriptors (servers inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def base_env():
    env = os.environ.copy()
    env.update({
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "PIKA_CHANNEL_PREFIX": PREFIX,
        "PIKA_CACHE_PREFIX": PREFIX,
        "PIKA_VAR_DIR": str(VAR_DIR),
        # The bench posts hundreds of tracks a second; the per-token limit guards real APIs.
        "PIKA_API_RATE": "10000000/m",
        "DJANGO_SETTINGS_MODULE": "pika.settings",
        "LOG_LEVEL": "WARNING",
    })
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def ensure_database():
    """Create the bench database if it is missing, and migrate it."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1].split("?")[0]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
                   cwd=ROOT, env=base_env(), check=True)


def setup_django():
    """Django in this process, on the bench database, for seeding only."""
    os.environ.update(base_env())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    # The servers link content-hashed, pre-compressed static files, as production does.
    from pika.staticfiles import collect_if_stale

    collect_if_stale()


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVERS = {
    # What `make run` and docker-compose run (WebSocket compression off: docs/benchmarks.md).
    "uvicorn": lambda port: [sys.executable, "-m", "uvicorn", "pika.asgi:application", "--host", "127.0.0.1",
                             "--port", str(port), "--no-access-log", "--lifespan", "off", "--backlog", "4096",
                             "--ws-per-message-deflate", "false"],
    "daphne": lambda port: [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                            "pika.asgi:application"],
}


@dataclass
class Server:
    kind: str = "uvicorn"
    settings: str = "pika.settings"
    extra_args: tuple = ()
    extra_env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}"

    def start(self):
        self.port = self.port or free_port()
        env = base_env()
        env.update({"DJANGO_SETTINGS_MODULE": self.settings, "PIKA_BASE_URL": self.url})
        env.update(self.extra_env)
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(VAR_DIR / f"server-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            SERVERS[self.kind](self.port) + list(self.extra_args),
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early; see {self.log.name}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start; see {self.log.name}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def _status(self, key):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024  # kB → MB
        return 0.0

    def rss_mb(self):
        return self._status("VmRSS")

    def peak_rss_mb(self):
        return self._status("VmHWM")

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class World:
    """Seeded once per bench run: a published weekend, its stages, DJs with tokens."""

    event_slug: str
    stage_codes: list
    page_set_code: str
    page_track_title: str
    dj_tokens: list


def seed(stages=4, djs=8, set_tracks=30):
    """A weekend like a real one: a few rooms, a set in progress on the first one."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import ApiToken, User
    from events.models import Event
    from stages.models import DJSet, PlayedTrack, Stage

    run = time.strftime("%Y%m%d%H%M%S")
    organizer, _ = User.objects.get_or_create(email="bench-organizer@pika.local", defaults={"display_name": "Bench Org"})
    today = timezone.localdate()
    event = Event.objects.create(
        organizer=organizer, name=f"Bench Swing Weekend {run}", slug=f"bench-{run}",
        starts_on=today, ends_on=today + timedelta(days=2), timezone="Europe/Paris",
        status=Event.Status.PUBLISHED,
    )
    names = ["Main Floor", "Blues Room", "Late Night Lounge", "Workshop Hall", "Garden", "Ballroom B"]
    stage_list = [Stage.objects.create(event=event, name=names[i % len(names)], position=i) for i in range(stages)]
    tokens = []
    for i in range(djs):
        dj, _ = User.objects.get_or_create(email=f"bench-dj-{i}@pika.local", defaults={"display_name": f"DJ Bench {i}"})
        tokens.append(ApiToken.issue(dj, f"bench {run}")[1])
    # The page benchmark reads a realistic page: a set 30 tracks in, on the first stage.
    page_dj, _ = User.objects.get_or_create(email="bench-page-dj@pika.local", defaults={"display_name": "DJ Page"})
    dj_set, _ = DJSet.objects.go_live(page_dj, "DJ Sunset Groove", stage_list[0])
    start = timezone.now() - timedelta(minutes=4 * set_tracks)
    PlayedTrack.objects.bulk_create([
        PlayedTrack(dj_set=dj_set, artist=f"Artist Number {i} feat. Somebody", title=f"A Typical West Coast Swing Title {i}",
                    played_at=start + timedelta(minutes=4 * i), bpm=96 + i % 10)
        for i in range(set_tracks)
    ])
    return World(event.slug, [s.code for s in stage_list], dj_set.code,
                 f"A Typical West Coast Swing Title {set_tracks - 1}", tokens)
