"""Polls over the DJ token API (the agent, a stream deck): start with a question or a
preset, list with tallies, end early, cancel; errors in the API's one JSON shape."""

import pytest

from accounts.models import ApiToken
from crowd.models import Poll
from tests.crowd_helpers import answer, poll_slot
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_set(dj):
    return played_set(dj, titles=["Ghost"])[0]


def test_a_dj_starts_a_poll_and_the_dancers_see_it(api, live_set):
    response = api.post(f"/sessions/{live_set.pk}/polls", {"question": "Next style?", "options": ["Blues", "Pop"],
                                                          "duration": 300})
    assert response.status_code == 201
    body = response.json()
    poll = Poll.objects.get()
    assert body["code"] == poll.code and body["state"] == "open" and body["answers"] == 0
    assert body["options"] == [{"position": 0, "label": "Blues", "answers": 0}, {"position": 1, "label": "Pop", "answers": 0}]
    assert body["ends_at"] is not None and body["preset"] is None
    assert "Next style?" in poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())


def test_a_preset_poll_then_tallies_end_and_cancel(api, live_set, dj_token):
    body = api.post(f"/sessions/{live_set.pk}/polls", {"preset": "tempo"}).json()
    assert (body["question"], [o["label"] for o in body["options"]], body["ends_at"]) == (
        "Tempo check", ["Slower", "Just right", "Faster"], None)
    poll = Poll.objects.get()
    for position in (2, 2, 0):
        answer(dancer_phone(), poll, position)
    listed = api.get(f"/sessions/{live_set.pk}/polls", token=dj_token).json()["polls"]
    assert [(p["code"], p["answers"], [o["answers"] for o in p["options"]]) for p in listed] == [(poll.code, 3, [1, 0, 2])]
    ended = api.post(f"/sessions/{live_set.pk}/polls/{poll.code}/end")
    assert ended.status_code == 200 and ended.json()["state"] == "ended" and ended.json()["ended_at"] is not None
    cancelled = api.post(f"/sessions/{live_set.pk}/polls/{poll.code}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


@pytest.mark.parametrize("body, status, code, field", [
    ({"question": "One?", "options": ["Only"]}, 400, "invalid", "options"),
    ({"question": "Eleven?", "options": [str(n) for n in range(11)]}, 400, "invalid_field", "options"),
    ({"options": ["A", "B"]}, 400, "invalid", "question"),
    ({"question": "When?", "options": ["A", "B"], "duration": 45}, 400, "invalid", "duration"),
    ({"preset": "karaoke"}, 400, "invalid_field", "preset"),
    ({"question": "x" * 141, "options": ["A", "B"]}, 400, "invalid_field", "question"),
    ({"question": "Why?", "options": "A,B"}, 400, "invalid_field", "options"),
])
def test_a_garbled_poll_is_a_json_error_and_nothing_is_stored(api, live_set, body, status, code, field):
    response = api.post(f"/sessions/{live_set.pk}/polls", body)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert error["message"]
    assert Poll.objects.count() == 0


def test_an_ended_session_runs_no_poll(api, live_set):
    live_set.end()
    response = api.post(f"/sessions/{live_set.pk}/polls", {"preset": "vibe"})
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "set_ended", "message": "This set has ended: go live to run a poll."}}
    assert Poll.objects.count() == 0


def test_only_the_sessions_dj_reaches_its_polls(api, live_set, other_dj):
    _, other_token = ApiToken.issue(other_dj, "Other laptop")
    poll = Poll.objects.start(live_set, "Mine?", ["A", "B"])
    not_found = {"error": {"code": "not_found", "message": "No such session."}}
    assert api.post(f"/sessions/{live_set.pk}/polls", {"preset": "vibe"}, token=other_token).json() == not_found
    assert api.get(f"/sessions/{live_set.pk}/polls", token=other_token).status_code == 404
    for action in ("end", "cancel"):
        response = api.post(f"/sessions/{live_set.pk}/polls/{poll.code}/{action}", token=other_token)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
        assert api.post(f"/sessions/{live_set.pk}/polls/{poll.code}/{action}", token=False).status_code == 401
    assert api.post(f"/sessions/{live_set.pk}/polls", {"preset": "vibe"}, token=False).status_code == 401
    assert api.post(f"/sessions/{2**63}/polls", {"preset": "vibe"}).status_code == 404
    poll.refresh_from_db()
    assert poll.ended_at is None and Poll.objects.count() == 1


def test_the_poll_endpoints_are_in_the_published_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/sessions/{session_id}/polls"]) == {"get", "post"}
    assert "post" in paths["/api/v1/sessions/{session_id}/polls/{code}/end"]
    assert "post" in paths["/api/v1/sessions/{session_id}/polls/{code}/cancel"]
