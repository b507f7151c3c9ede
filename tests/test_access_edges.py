"""One access rule per object, three edges: the page answers 404, the token API a JSON
error, the socket closes with 4404 — for the same object and the same people."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import ApiToken
from pika.asgi import application
from stages.access import set_for_dj, stage_for_public, stage_for_visitor
from stages.models import DJSet

ORIGIN = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]


def signed_in(user):
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


async def socket_close_code(path, user=None):
    headers = list(ORIGIN)
    if user is not None:
        browser = await database_sync_to_async(signed_in)(user)
        headers.append((b"cookie", f"sessionid={browser.cookies['sessionid'].value}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return "open" if connected else code


def test_the_helpers_return_the_object_or_none(dj, other_dj, organizer):
    from django.contrib.auth.models import AnonymousUser

    from tests.personas import make_event

    dj_set = DJSet.objects.go_live(dj, "DJ Nova")[0]
    assert set_for_dj(dj, dj_set.code) == dj_set
    assert set_for_dj(dj, pk=dj_set.pk) == dj_set
    assert set_for_dj(other_dj, dj_set.code) is None
    assert set_for_dj(other_dj, pk=dj_set.pk) is None
    assert set_for_dj(AnonymousUser(), dj_set.code) is None
    draft = make_event(organizer, slug="draft").stages.first()
    assert stage_for_visitor(organizer, draft.code) == draft
    assert stage_for_visitor(dj, draft.code) is None
    assert stage_for_public(draft.code) is None


@pytest.mark.django_db(transaction=True)
async def test_a_djs_set_through_every_edge(dj, other_dj):
    dj_set = await database_sync_to_async(lambda: DJSet.objects.go_live(dj, "DJ Nova")[0])()
    tokens = {}
    for user in (dj, other_dj):
        tokens[user.pk] = (await database_sync_to_async(ApiToken.issue)(user, "Laptop"))[1]

    def page(user):
        return signed_in(user).get(f"/dj/sets/{dj_set.code}")

    def api(user):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"} if user else {}
        return Client().post(
            f"/api/v1/sessions/{dj_set.pk}/tracks", {"artist": "A", "title": "T"}, content_type="application/json", **headers
        )

    own, others, nobody = [await database_sync_to_async(page)(user) for user in (dj, other_dj, None)]
    assert (own.status_code, others.status_code, nobody.status_code) == (200, 404, 302)
    assert nobody["Location"] == f"/accounts/login/?next=/dj/sets/{dj_set.code}"

    own_post = await database_sync_to_async(api)(dj)
    others_post = await database_sync_to_async(api)(other_dj)
    nobodys_post = await database_sync_to_async(api)(None)
    assert own_post.status_code == 201
    assert (others_post.status_code, others_post.json()) == (
        404, {"error": {"code": "not_found", "message": "No such session."}})
    assert nobodys_post.status_code == 401

    likes = f"/ws/dj/sets/{dj_set.code}/likes/"
    assert await socket_close_code(likes, dj) == "open"
    assert await socket_close_code(likes, other_dj) == 4404
    assert await socket_close_code(likes) == 4404


@pytest.mark.django_db(transaction=True)
async def test_a_draft_events_stage_through_every_edge(organizer, dj):
    from tests.personas import make_event

    stage = await database_sync_to_async(lambda: make_event(organizer, slug="draft").stages.first())()

    def page(user):
        return signed_in(user).get(f"/s/{stage.code}").status_code

    assert [await database_sync_to_async(page)(user) for user in (organizer, dj, None)] == [200, 404, 404]
    now_playing = await database_sync_to_async(Client().get)(f"/api/v1/stages/{stage.code}/now-playing")
    assert (now_playing.status_code, now_playing.json()["error"]["code"]) == (404, "stage_not_found")
    # The stage page's socket is for dancers: public stages only, whoever asks.
    assert await socket_close_code(f"/ws/stages/{stage.code}/") == 4404
