"""The token API's sets: going live (Quick Start), ending, one live set per DJ."""

from stages.models import DJSet


def test_going_live_creates_a_quick_start_set(api, dj):
    response = api.post("/sessions", {"dj_name": "DJ Nova"})
    assert response.status_code == 201
    body = response.json()
    dj_set = DJSet.objects.get()
    assert body["id"] == dj_set.pk
    assert body["code"] == dj_set.code and len(dj_set.code) == 8
    assert body["url"] == f"http://testserver/live/{dj_set.code}"  # the address the request reached
    assert body["stage"] is None
    assert body["ended_session"] is None
    assert dj_set.dj == dj and dj_set.dj_name == "DJ Nova" and dj_set.is_live


def test_going_live_without_a_body_uses_the_profile_name(api):
    response = api.post("/sessions", raw="", token=None)
    assert response.status_code == 201
    assert response.json()["dj_name"] == "DJ Nova"


def test_going_live_again_ends_the_previous_set_and_says_so(api):
    first = api.post("/sessions", {}).json()
    second = api.post("/sessions", {"dj_name": "Nova late night"}).json()
    assert second["ended_session"]["id"] == first["id"]
    assert second["ended_session"]["ended_at"] is not None
    assert "ended" in second["message"]
    assert list(DJSet.objects.live().values_list("pk", flat=True)) == [second["id"]]


def test_ending_a_set_is_idempotent(api):
    dj_set = api.post("/sessions", {}).json()
    first = api.post(f"/sessions/{dj_set['id']}/end")
    again = api.post(f"/sessions/{dj_set['id']}/end")
    assert first.status_code == again.status_code == 200
    assert first.json()["ended_at"] == again.json()["ended_at"] is not None
    assert not DJSet.objects.get().is_live


def test_another_djs_set_is_not_found(api, other_dj):
    theirs, _ = DJSet.objects.go_live(other_dj)
    response = api.post(f"/sessions/{theirs.pk}/end")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such session."}}
    theirs.refresh_from_db()
    assert theirs.is_live


def test_a_wrong_token_is_401(api):
    response = api.post("/sessions", {}, token="pika_not-a-real-token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert DJSet.objects.count() == 0


def test_a_missing_token_is_401(api):
    response = api.post("/sessions", {}, token=False)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_revoked_token_is_401(api, dj):
    dj.api_tokens.get().revoke()
    response = api.post("/sessions", {})
    assert response.status_code == 401
    assert DJSet.objects.count() == 0


def test_an_unknown_stage_code_is_404(api):
    response = api.post("/sessions", {"stage": "nosuchstage"})
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "stage_not_found", "message": "No stage has that code.", "field": "stage"}


def test_an_emoji_only_dj_name_is_kept(api):
    response = api.post("/sessions", {"dj_name": "🎧🔥"})
    assert response.status_code == 201
    assert DJSet.objects.get().dj_name == "🎧🔥"


def test_a_dj_name_over_80_characters_is_400(api):
    response = api.post("/sessions", {"dj_name": "x" * 81})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "dj_name"


def test_the_set_url_is_the_address_the_agent_reached_unless_pika_base_url_is_set(api, client, settings):
    settings.ALLOWED_HOSTS = ["pika.local"]
    settings.PIKA_BASE_URL_SET = False
    response = client.post(
        "/api/v1/sessions", "{}", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_HOST="pika.local:8000",
    )
    code = response.json()["code"]
    assert response.json()["url"] == f"http://pika.local:8000/live/{code}"

    settings.PIKA_BASE_URL_SET, settings.PIKA_BASE_URL = True, "https://pika.example"
    response = client.post(
        "/api/v1/sessions", "{}", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}", HTTP_HOST="pika.local:8000",
    )
    code = response.json()["code"]
    assert response.json()["url"] == f"https://pika.example/live/{code}"
