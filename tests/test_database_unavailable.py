"""A database that is restarting: the request caught in it gets a 503 that says so (JSON
on the API, where the agent retries), never a 500. tests/faults/ does it for real."""

import pytest
from django.db import OperationalError

from pika import urls  # noqa: F401 - the API's routers load in their own order before we patch one
from stages.models import DJSet, PlayedTrack


def _restarting(*args, **kwargs):
    raise OperationalError("terminating connection due to administrator command")


@pytest.fixture
def dj_set(dj):
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def test_the_api_answers_a_json_503_and_the_agent_may_retry(api, dj_set, monkeypatch):
    monkeypatch.setattr("stages.api.set_for_dj", _restarting)

    response = api.post(f"/sessions/{dj_set.pk}/tracks", {"artist": "A", "title": "T"})

    assert (response.status_code, response.json(), response["Retry-After"]) == (
        503, {"error": {"code": "database_unavailable", "message": "The database is restarting; retry in a moment."}}, "2",
    )
    assert PlayedTrack.objects.count() == 0


def test_the_dashboard_form_gets_a_503_with_a_message_and_stores_nothing(client, dj, dj_set, monkeypatch):
    client.force_login(dj)
    monkeypatch.setattr("dj.views.set_for_dj", _restarting)

    htmx = client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "Ghost", "artist": "Ella"}, HTTP_HX_REQUEST="true")
    plain = client.post(f"/dj/sets/{dj_set.code}/tracks", {"title": "Ghost", "artist": "Ella"})

    assert (htmx.status_code, htmx.content.decode()) == (503, "The database is restarting; nothing was stored yet.")
    assert (plain.status_code, plain.content.decode()) == (503, "The database is restarting; go back and send again in a moment.")
    assert PlayedTrack.objects.count() == 0
