"""Operations: /healthz, the demo seed, the OpenAPI schema, idle sets ending by themselves."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import ApiToken
from events.models import Event
from stages.models import DJSet, PlayedTrack


def test_healthz_reports_the_database_and_redis(client, db, settings):
    response = client.get("/healthz")
    expected_redis = "ok" if settings.REDIS_URL else "disabled"
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": expected_redis}


def test_healthz_says_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "unreachable"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db.utils import OperationalError

    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("pika.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_pika_demo_json_prints_exactly_one_object(capsys, db):
    call_command("pika_demo", "--json")
    out = capsys.readouterr().out
    data = json.loads(out)
    assert set(data) == {"event", "stages", "dj_token"}
    event = Event.objects.get(slug=data["event"])
    assert event.is_published
    assert data["stages"] == list(event.stages.values_list("code", flat=True)) and len(data["stages"]) >= 2
    assert ApiToken.objects.authenticate(data["dj_token"]).user.email == "dj@pika.local"
    assert not DJSet.objects.exists()  # seeding starts no playback


def test_pika_demo_can_run_twice(capsys, db):
    call_command("pika_demo", "--json")
    first = json.loads(capsys.readouterr().out)
    call_command("pika_demo", "--json")
    second = json.loads(capsys.readouterr().out)
    assert first["event"] == second["event"] and first["stages"] == second["stages"]
    assert first["dj_token"] != second["dj_token"]
    assert Event.objects.count() == 1
    # The second run replaces the demo token: the DJ's dashboard lists one, and it works.
    assert list(ApiToken.objects.values_list("name", "user__email")) == [("Demo token", "dj@pika.local")]
    assert ApiToken.objects.authenticate(first["dj_token"]) is None
    assert ApiToken.objects.authenticate(second["dj_token"]).user.email == "dj@pika.local"


def test_the_simulated_dj_plays_under_its_own_account_with_one_token(db):
    from events.management.commands.pika_demo import seed

    seed(dj_token=False, simulated_dj_token=True)
    demo = seed(dj_token=False, simulated_dj_token=True)
    nova = ApiToken.objects.authenticate(demo.simulated_dj_token).user
    assert (nova.email, nova.display_name) == ("nova@pika.local", "DJ Nova")
    assert list(ApiToken.objects.values_list("name", "user__email")) == [("Simulated DJ (make run)", "nova@pika.local")]
    assert [stage.name for stage in demo.stages] == ["Main Floor", "Blues Room"]


def test_the_openapi_schema_documents_the_token_api(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/sessions", "/api/v1/sessions/{session_id}/tracks", "/api/v1/sessions/{session_id}/end",
            "/api/v1/stages", "/api/v1/stages/{code}/now-playing"} <= set(schema["paths"])
    track_body = schema["components"]["schemas"]["TrackIn"]
    assert track_body["required"] == ["artist", "title"]
    assert {"album", "played_at", "bpm", "key", "duration_ms", "file_hash", "source_id"} <= set(track_body["properties"])


def test_idle_live_sets_end_by_themselves(dj, other_dj, settings):
    from django_q.models import Schedule
    from django_q.tasks import async_task

    idle = DJSet.objects.go_live(dj)[0]
    DJSet.objects.filter(pk=idle.pk).update(started_at=timezone.now() - timedelta(hours=7))
    busy = DJSet.objects.go_live(other_dj)[0]
    busy.add_track(artist="A", title="T")
    schedule = Schedule.objects.get(name="End idle live sets")
    async_task(schedule.func)
    idle.refresh_from_db()
    busy.refresh_from_db()
    assert not idle.is_live and busy.is_live


@pytest.mark.parametrize("track_hours_ago, ends", [(None, True), (7, True), (1, False)],
                         ids=["no track", "old track", "recent track"])
def test_a_set_is_idle_from_its_last_track(dj, settings, track_hours_ago, ends):
    settings.PIKA_IDLE_SESSION_HOURS = 6
    dj_set = DJSet.objects.go_live(dj)[0]
    DJSet.objects.filter(pk=dj_set.pk).update(started_at=timezone.now() - timedelta(hours=8))
    if track_hours_ago is not None:
        track, _ = dj_set.add_track(artist="A", title="T")
        PlayedTrack.objects.filter(pk=track.pk).update(created_at=timezone.now() - timedelta(hours=track_hours_ago))
    assert DJSet.end_idle() == int(ends)
    dj_set.refresh_from_db()
    assert dj_set.is_live is not ends


@pytest.mark.parametrize("hours, ends", [(5.9, False), (6.1, True)])
def test_the_idle_limit_is_a_setting(dj, settings, hours, ends):
    settings.PIKA_IDLE_SESSION_HOURS = 6
    dj_set = DJSet.objects.go_live(dj)[0]
    DJSet.objects.filter(pk=dj_set.pk).update(started_at=timezone.now() - timedelta(hours=hours))
    assert DJSet.end_idle() == int(ends)
