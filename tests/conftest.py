from datetime import timedelta

import pytest
from django.core.cache import cache
from django_q.conf import Conf

# Tasks run inline in tests: what a task does is checked where the test can see it.
Conf.SYNC = True

from django.test import Client
from django.utils import timezone

from accounts.models import ApiToken
from pika import live_state
from tests import personas
from tests.live_server import server_for_test
from tests.push_helpers import PushService


# Tests that start real server processes or browsers are slow: `make test ARGS="-m 'not
# slow'"` leaves them out for a fast loop; CI runs everything.
SLOW_FIXTURES = {"server_process", "redis_servers"}
AGENT_BUILD_TEST = "test_the_single_file_executable_runs_version_and_doctor"


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def pytest_collection_finish(session):
    # The agent's single-file build keeps a core busy for about a minute while the rest of
    # the run mostly waits on sockets, servers and browsers: started now (when its test is
    # selected), it overlaps them, and its test runs last (tests/agent/test_single_file_build.py).
    # In a parallel run every worker collects: the controller builds once (below) and the
    # worker that gets the test waits for that build.
    builds = [item for item in session.items if item.name == AGENT_BUILD_TEST]
    if builds and not session.config.option.collectonly:
        session.items.remove(builds[0])
        session.items.append(builds[0])
        from tests.agent.single_file import AgentBuild

        worker = getattr(session.config, "workerinput", None)
        if worker is None:
            session.config.pika_agent_build = AgentBuild.start()
        elif worker.get("pika_agent_build"):
            session.config.pika_agent_build = AgentBuild(worker["pika_agent_build"])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist's controller, before each worker starts: where the one build will be."""
    from tests.agent.single_file import AgentBuild

    config = node.config
    if not hasattr(config, "pika_agent_build"):
        config.pika_agent_build = AgentBuild.planned()
    if config.pika_agent_build is not None:
        node.workerinput["pika_agent_build"] = str(config.pika_agent_build.where)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    build = getattr(node.config, "pika_agent_build", None)
    if build is not None and any(id.endswith("::" + AGENT_BUILD_TEST) for id in ids):
        build.begin()


def pytest_unconfigure(config):
    build = getattr(config, "pika_agent_build", None)
    if build is not None and not hasattr(config, "workerinput"):  # the controller's or a serial run's
        build.discard()


@pytest.fixture(scope="session", autouse=True)
def _static_files():
    """Pages link content-hashed static files: build them (once, if a source changed)."""
    import fcntl

    from django.conf import settings

    from pika.staticfiles import collect_if_stale

    # Parallel workers (pytest-xdist) share STATIC_ROOT: one builds, the next finds it fresh.
    with open(f"{settings.STATIC_ROOT}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        collect_if_stale()


@pytest.fixture(autouse=True)
def _clean_cache():
    # Throttles, listener counts and submit tokens live in the cache; tests start clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _page_states(request, monkeypatch):
    """A page's GET keeps what it rendered until a change is announced, and changes are
    announced on commit (pika/live_state.py). A test wrapped in a transaction never
    commits: there every GET renders afresh. Tests that commit keep them as a server does
    (each test starts with none: database ids come back from one test to the next)."""
    marker = request.node.get_closest_marker("django_db")
    if not ((marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames):
        monkeypatch.setattr(live_state.page_states(), "get", lambda key, versions, render: render()[0])
    live_state.page_states().clear()
    yield
    live_state.page_states().clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests make many accounts; hashing their passwords properly is not what they test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The personas (tests/personas.py says who they are).

@pytest.fixture
def dancer(db):
    return personas.dancer_phone()


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def dj(db):
    return personas.make_dj()


@pytest.fixture
def other_dj(db):
    return personas.make_dj(email="other@example.com", name="DJ Other")


@pytest.fixture
def organizer(db):
    return personas.make_organizer("org@example.com", name="Org")


@pytest.fixture
def other_organizer(db):
    return personas.make_organizer("paris@example.com", name="Paris")


@pytest.fixture
def owner(db):
    return personas.make_owner()


@pytest.fixture
def event(request, organizer):
    """A published event of `organizer`. A module or a test shapes it with
    `pytest.mark.event(...)`: make_event's arguments, plus `weekend_of=<a Friday>` for
    Friday to Sunday or `around_today=True` for yesterday to tomorrow."""
    marker = request.node.get_closest_marker("event")
    shape = {"status": "published", **(marker.kwargs if marker else {})}
    if friday := shape.pop("weekend_of", None):
        shape.update(starts_on=friday, ends_on=friday + timedelta(days=2))
    if shape.pop("around_today", False):
        today = timezone.localdate()
        shape.update(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1))
    return personas.make_event(organizer, **shape)


@pytest.fixture
def organizer_client(client, organizer):
    """The test client, signed in as `organizer`."""
    client.force_login(organizer)
    return client


@pytest.fixture
def weekend(organizer, other_organizer):
    return personas.Weekend(organizer, other_organizer)


@pytest.fixture
def push_service(settings):
    """A real local HTTP server standing in for a push service (tests/push_helpers.py),
    allowed by the SSRF guard for this test only."""
    service = PushService().start()
    settings.PIKA_PUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
    yield service
    service.stop()


@pytest.fixture
def fake_spotify(settings):
    """A real local HTTP server speaking Spotify's shapes (tests/spotify_helpers.py), with
    Pika! configured to use it."""
    from tests.spotify_helpers import FakeSpotify

    service = FakeSpotify().start()
    settings.PIKA_SPOTIFY_CLIENT_ID = "pika-test-client"
    settings.PIKA_SPOTIFY_API_URL = settings.PIKA_SPOTIFY_ACCOUNTS_URL = service.url
    settings.PIKA_SPOTIFY_REDIRECT_URI = "http://127.0.0.1:8000/spotify/callback"
    yield service
    service.stop()


@pytest.fixture
def curator(db, fake_spotify):
    """The platform curator account, connected to the fake Spotify."""
    from tests.spotify_helpers import connected_account

    return connected_account(fake_spotify, owner=None)


@pytest.fixture
def dj_spotify(dj, fake_spotify):
    """The DJ's own Spotify account (the fake's user "Nova"), linked from their dashboard."""
    from tests.spotify_helpers import connected_account

    return connected_account(fake_spotify, owner=dj)


@pytest.fixture
def dj_token(dj):
    _, secret = ApiToken.issue(dj, "Laptop")
    return secret


@pytest.fixture
def api(client, dj_token):
    """A Django test client that speaks JSON with the DJ's bearer token."""

    class Api:
        def __init__(self, token):
            self.token = token

        def post(self, path, body=None, token=None, raw=None):
            data = raw if raw is not None else (body if body is not None else {})
            kwargs = {"content_type": "application/json"}
            if token is not False:
                kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token or self.token}"
            if raw is None:
                import json

                data = json.dumps(data)
            return client.post("/api/v1" + path, data=data, **kwargs)

        def get(self, path, token=None):
            kwargs = {}
            if token:
                kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            return client.get("/api/v1" + path, **kwargs)

    return Api(dj_token)


@pytest.fixture
def server_process(transactional_db):
    """Start real ASGI server processes sharing this test's database; stopped at the end."""
    started = []

    def start(**extra_env):
        server = server_for_test(**extra_env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def redis_servers(server_process):
    """Two server processes sharing the real Redis (REDIS_URL, else the local default)."""
    import uuid

    from django.conf import settings

    run = uuid.uuid4().hex[:8]
    env = {
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/0",
        "PIKA_CHANNEL_PREFIX": f"pika-two-{run}",
        "PIKA_CACHE_PREFIX": f"pika-two-{run}",
    }
    return server_process(**env), server_process(**env)


@pytest.fixture
def one_process(settings):
    """One process's view of a change the moment it commits: the in-memory channel layer
    and cache. Through Redis the same change reaches a process a few ms later
    (tests/test_two_processes.py covers that)."""
    from pika import live_state

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    live_state._cache.cache_clear()
    yield
    live_state._cache.cache_clear()


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """Rate limits count in fixed windows: a test running across a window's end would see
    its count reset, so the limiter's clock stands still."""
    import time
    from types import SimpleNamespace

    import django_ratelimit.core

    frozen = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", SimpleNamespace(time=lambda: frozen))


@pytest.fixture(autouse=True)
def _crowd_tallies_at_once(settings):
    """Poll tallies go to the dancers at once (no coalescing timer thread outliving the
    test); tests/test_crowd_poll_tallies.py turns the window back on."""
    settings.PIKA_CROWD_TALLY_SECONDS = 0
