"""The bench's own world: its database and Redis prefix, its server processes (started by
`pika/server_process.py`, the launcher the end-to-end tests share), seeded data."""

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pika.server_process import SERVERS, ServerProcess  # noqa: F401  (the bench's --server choices)

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


def server(kind="uvicorn", settings="pika.settings", extra_args=(), extra_env=None, cwd=None):
    """A bench server process (not started): the launcher the tests share, on the bench's
    database, Redis prefix and settings module; `cwd` serves another checkout's code."""
    env = base_env()
    env["DJANGO_SETTINGS_MODULE"] = settings
    env.update(extra_env or {})
    return ServerProcess(env, kind=kind, extra_args=extra_args, log_dir=VAR_DIR, cwd=cwd)


def other_checkout(path):
    """The environment that serves another checkout (e.g. `git worktree add /tmp/before main`)
    beside this one: its own collected static files (its own names and bytes), the same
    database and Redis. Collected now, before it is served."""
    path = Path(path).resolve()
    if not (path / "manage.py").exists():
        raise SystemExit(f"bench: {path} is not a Pika! checkout (no manage.py)")
    extra = {"PIKA_STATIC_ROOT": str(VAR_DIR / "static-against")}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
                   cwd=path, env={**base_env(), **extra}, check=True)
    return path, extra


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
        dj.mark_email_verified()  # events let only verified DJs go live on their stages
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
