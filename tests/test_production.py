"""The production shape: settings that refuse to run unsafely, a clean `check --deploy`, a
non-root container built from the lock file, every dependency declared and bounded, and
the small leaks (admin permissions, draft QR caching, a DJ's e-mail) closed."""

import ast
import os
import re
import secrets
import subprocess
import sys
import tomllib
from datetime import date
from importlib import metadata
from pathlib import Path

import httpx
import pytest

from accounts.models import ANONYMOUS_DJ_NAME, OrganizerApplication, User
from events.models import Event
from stages.models import Stage
from tests.personas import make_organizer

ROOT = Path(__file__).resolve().parent.parent
# Our Django apps are the import layers' packages (pyproject.toml); with them, the tests,
# the benchmarks and the agent.
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
FIRST_PARTY = {*APPS, "tests", "bench", "pika_dj"}


def production_env(**overrides):
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "PIKA_BASE_URL")}
    env.update({
        "PIKA_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PIKA_BASE_URL": "https://pika.example.org",
        "ALLOWED_HOSTS": "pika.example.org,127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "pika.settings",
    })
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, **overrides):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=production_env(**overrides),
                          capture_output=True, text=True, timeout=120)


# --- Settings ---------------------------------------------------------------------------

def test_check_deploy_is_clean_under_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY=None)

    assert result.returncode != 0
    assert "SECRET_KEY must be set (50+ random characters) when PIKA_PRODUCTION is on" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = manage("check", SECRET_KEY="change-me")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_an_http_base_url():
    result = manage("check", PIKA_BASE_URL="http://pika.example.org")

    assert result.returncode != 0
    assert "PIKA_BASE_URL must start with https:// when PIKA_PRODUCTION is on" in result.stderr


def test_without_production_the_local_defaults_still_work():
    env = {key: value for key, value in os.environ.items()
           if key not in ("SECRET_KEY", "PIKA_BASE_URL", "PIKA_PRODUCTION")}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_a_production_server_redirects_plain_http_and_sends_hsts(transactional_db):
    from tests.live_server import server_for_test

    env = production_env()
    server = server_for_test(**{k: env[k] for k in ("PIKA_PRODUCTION", "SECRET_KEY", "ALLOWED_HOSTS")})
    server.extra_env["PIKA_BASE_URL"] = "https://pika.example.org"
    server.start()  # polls /healthz over plain http: the health check is exempt
    try:
        plain = httpx.get(server.url + "/", timeout=10)
        proxied = httpx.get(server.url + "/accounts/login/", headers={"X-Forwarded-Proto": "https"}, timeout=10)
    finally:
        server.stop()

    assert (plain.status_code, plain.headers["location"]) == (301, "https://127.0.0.1:%d/" % server.port)
    assert proxied.status_code == 200
    assert proxied.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert all("secure" in cookie.lower() for cookie in proxied.headers.get_list("set-cookie"))


# --- The container ----------------------------------------------------------------------

def test_the_container_runs_as_a_user_not_root_and_installs_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)

    assert users and users[-1] not in ("root", "0")
    assert "pip install --no-cache-dir --no-deps -r requirements.lock" in dockerfile
    assert "ENV PIKA_PRODUCTION=1" in dockerfile


def test_the_build_context_leaves_out_local_state_and_history():
    ignored = set((ROOT / ".dockerignore").read_text().split())

    assert {".git", "var", ".venv", "**/__pycache__", "*.sqlite3", ".env"} <= ignored


def test_ci_and_make_install_from_the_lock_files():
    makefile = (ROOT / "Makefile").read_text()

    assert "$(PIP_INSTALL) -c requirements-test.lock -e '.[test]' -e ./agent" in makefile
    assert "$(PIP_INSTALL) -c requirements.lock -e . -e ./agent" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


# --- Dependencies -----------------------------------------------------------------------

def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement):
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared():
    project = _pyproject()
    agent = tomllib.loads((ROOT / "agent" / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"] + agent["dependencies"]
    return {_name(requirement) for requirement in requirements}


def test_every_dependency_has_an_upper_bound():
    project = _pyproject()
    unbounded = [r for r in project["dependencies"] + project["optional-dependencies"]["test"] if "<" not in r]

    assert unbounded == []


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_the_lock_pins_every_declared_dependency(lock):
    pinned = {
        _name(line): line.split("==")[1].strip()
        for line in (ROOT / lock).read_text().splitlines() if "==" in line and not line.startswith("#")
    }
    project = _pyproject()
    wanted = project["dependencies"] + (project["optional-dependencies"]["test"] if "test" in lock else [])

    assert [r for r in wanted if _name(r) not in pinned] == []


def _imported_modules(folder):
    modules = set()
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return {module for module in modules if module not in FIRST_PARTY and module not in sys.stdlib_module_names}


@pytest.mark.parametrize("folder", [*APPS, "tests", "bench"])
def test_every_imported_package_is_declared(folder):
    distributions = metadata.packages_distributions()
    declared = _declared()
    undeclared = {
        module: distributions.get(module)
        for module in _imported_modules(folder)
        if not any(_name(dist) in declared for dist in distributions.get(module, [module]))
    }

    assert undeclared == {}


# --- Small leaks --------------------------------------------------------------------------

CHANGELIST = "/admin/accounts/organizerapplication/"


def _staff(*codenames):
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(email="helper@example.com", password="pw-helper-123", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_staff_member_who_may_only_view_cannot_decide(client, db, action):
    applicant = User.objects.create_user(email="applicant@example.com", password="pw-applicant-1")
    application = OrganizerApplication.objects.create(user=applicant, name="Ana", community="WCS Lyon")
    client.force_login(_staff("view_organizerapplication"))

    listing = client.get(CHANGELIST).content.decode()
    response = client.post(CHANGELIST, {"action": action, "_selected_action": [application.pk], "confirm": "1",
                                        "note": ""})

    assert f'value="{action}"' not in listing
    assert response.status_code in (200, 302)
    application.refresh_from_db()
    assert application.status == OrganizerApplication.Status.PENDING


def test_a_staff_member_with_the_change_permission_can_decide(client, db, django_capture_on_commit_callbacks):
    applicant = User.objects.create_user(email="applicant@example.com", password="pw-applicant-1")
    application = OrganizerApplication.objects.create(user=applicant, name="Ana", community="WCS Lyon")
    client.force_login(_staff("view_organizerapplication", "change_organizerapplication"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CHANGELIST, {"action": "approve", "_selected_action": [application.pk], "confirm": "1", "note": ""})

    application.refresh_from_db()
    assert application.status == OrganizerApplication.Status.APPROVED


def _stage(status):
    organizer = make_organizer("org@example.com", name="Org")
    event = Event.objects.create(organizer=organizer, name="Swing Fling", slug="swing-fling", starts_on=date(2026, 3, 13),
                                 ends_on=date(2026, 3, 15), timezone="Europe/Paris", status=status)
    return organizer, Stage.objects.create(event=event, name="Main Floor")


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_draft_stages_qr_code_is_not_publicly_cacheable(client, db, fmt):
    organizer, stage = _stage(Event.Status.DRAFT)
    client.force_login(organizer)

    response = client.get(f"/s/{stage.code}/qr.{fmt}")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_published_stages_qr_code_is_cached_publicly(client, db):
    _, stage = _stage(Event.Status.PUBLISHED)

    assert client.get(f"/s/{stage.code}/qr.svg")["Cache-Control"] == "public, max-age=86400"


def test_a_dj_without_a_display_name_never_shows_their_email(client, db):
    from accounts.models import ApiToken

    dj = User.objects.create_user(email="jane.q.public@example.com", password="pw-jane-12345")
    _, token = ApiToken.issue(dj, "Laptop")

    created = client.post("/api/v1/sessions", "{}", content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    client.post(f"/api/v1/sessions/{created.json()['id']}/tracks", '{"artist": "A", "title": "T"}',
                content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    page = client.get(f"/live/{created.json()['code']}").content.decode()
    now_playing = client.get(f"/live/{created.json()['code']}/manifest.webmanifest").content.decode()

    assert dj.public_name == ANONYMOUS_DJ_NAME
    for text in (created.content.decode(), page, now_playing):
        assert "jane" not in text.lower()
    assert ANONYMOUS_DJ_NAME in page
