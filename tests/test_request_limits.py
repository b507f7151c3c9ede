"""Request limits that hold: the client's address from PIKA_TRUSTED_PROXIES only, no fresh
allowance for a client that drops or forges its cookie, the admin sign-in limited, and
request bodies capped also when they arrive chunked."""

import asyncio
import json

import httpx
import pytest
from django.test import Client

from crate.models import Like
from pika.middleware import CLIENT_COOKIE, new_client_id
from tests.likes_helpers import like
from tests.personas import dancer_phone as dancer, played_set


pytestmark = pytest.mark.usefixtures("frozen_rate_window")


@pytest.fixture
def tracks(dj):
    return played_set(dj, titles=[f"Song {n}" for n in range(8)])[1]


# --- The client's address ------------------------------------------------------------

def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(settings, tracks):
    settings.PIKA_LIKE_RATE = "100/m"
    settings.PIKA_LIKE_IP_RATE = "3/m"
    statuses = [
        like(dancer(), track, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n, track in enumerate(tracks[:5])
    ]

    assert statuses == [302, 302, 302, 429, 429]
    assert Like.objects.count() == 3


def test_behind_one_proxy_the_address_it_saw_is_the_client(settings, tracks):
    settings.PIKA_TRUSTED_PROXIES = 1
    settings.PIKA_LIKE_RATE = "100/m"
    settings.PIKA_LIKE_IP_RATE = "2/m"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client forges the left part; the proxy appends the address it was reached from.
    statuses = [
        like(dancer(), track, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", **proxy).status_code
        for n, track in enumerate(tracks[:3])
    ]
    other_client = like(dancer(), tracks[3], HTTP_X_FORWARDED_FOR="203.0.113.99", **proxy)

    assert statuses == [302, 302, 429]
    assert other_client.status_code == 302


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings, rf):
    from pika.middleware import client_ip_middleware

    settings.PIKA_TRUSTED_PROXIES = 2
    seen = []
    middleware = client_ip_middleware(lambda request: seen.append(request.META["REMOTE_ADDR"]))

    for forwarded in ("6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7, 10.0.0.1", "10.0.0.1", "garbage, 10.0.0.1"):
        middleware(rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2"))

    # Too few hops (the request skipped a proxy) or a mangled entry: the socket peer.
    assert seen == ["203.0.113.7", "203.0.113.7", "10.0.0.2", "10.0.0.2"]


def test_the_push_api_limits_by_the_same_address(client, settings, db):
    """ninja's throttle used to key on the raw X-Forwarded-For: a new value, a new allowance."""
    settings.PIKA_PUSH_SUBSCRIBE_IP_RATE = "2/m"
    statuses = [
        client.post("/api/v1/push/subscriptions", "{}", content_type="application/json",
                    HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").status_code
        for n in range(3)
    ]

    assert statuses == [400, 400, 429]


# --- Cookies ---------------------------------------------------------------------------

def test_dropping_the_cookie_gives_no_fresh_allowance(settings, tracks):
    settings.PIKA_LIKE_RATE = "3/m"
    statuses = [like(Client(), track).status_code for track in tracks[:5]]  # a new cookieless phone each time

    assert statuses == [302, 302, 302, 429, 429]
    assert Like.objects.count() == 3


def test_a_made_up_client_id_gives_no_fresh_allowance(settings, tracks):
    settings.PIKA_LIKE_RATE = "3/m"
    statuses = []
    for n, track in enumerate(tracks[:5]):
        phone = Client()
        phone.cookies[CLIENT_COOKIE] = f"{n:x}" * 32  # well-formed, but not one we issued
        statuses.append(like(phone, track).status_code)

    assert statuses == [302, 302, 302, 429, 429]


def test_each_issued_client_id_has_its_own_allowance(settings, tracks):
    settings.PIKA_LIKE_RATE = "2/m"
    anna, ben = dancer(), dancer()

    assert [like(anna, track).status_code for track in tracks[:3]] == [302, 302, 429]
    assert like(ben, tracks[3]).status_code == 302


def test_new_client_ids_per_address_are_limited_but_the_page_still_renders(settings, db):
    settings.PIKA_NEW_CLIENT_IP_RATE = "2/m"
    responses = [Client().get("/likes/", REMOTE_ADDR="203.0.113.7") for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert [CLIENT_COOKIE in response.cookies for response in responses] == [True, True, False]
    assert CLIENT_COOKIE in Client().get("/likes/", REMOTE_ADDR="203.0.113.8").cookies


def test_an_issued_id_is_kept_and_a_made_up_one_is_not_replaced(db):
    issued = new_client_id()
    phone = Client()
    phone.cookies[CLIENT_COOKIE] = issued
    assert CLIENT_COOKIE not in phone.get("/likes/").cookies
    assert phone.cookies[CLIENT_COOKIE].value == issued


# --- The admin sign-in -------------------------------------------------------------------

def test_the_admin_sign_in_is_rate_limited_like_allauths(client, db):
    from accounts.models import User

    User.objects.create_superuser(email="boss@example.com", password="right-password")
    wrong = [
        client.post("/admin/login/", {"username": "boss@example.com", "password": f"guess-{n}"}).status_code
        for n in range(5)
    ]
    blocked = client.post("/admin/login/", {"username": "boss@example.com", "password": "right-password"})

    assert wrong == [200] * 5  # the form again, with its error
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_admin_sign_in_limit_counts_failures_only(client, db):
    from accounts.models import User

    User.objects.create_superuser(email="boss@example.com", password="right-password")
    for _ in range(8):
        response = client.post("/admin/login/", {"username": "boss@example.com", "password": "right-password"})
        assert response.status_code == 302
        client.logout()


def test_the_admin_sign_in_limit_per_address_covers_many_accounts(client, db):
    statuses = [
        client.post("/admin/login/", {"username": f"user{n}@example.com", "password": "x"}).status_code
        for n in range(11)
    ]

    assert statuses == [200] * 10 + [429]


# --- Bodies ------------------------------------------------------------------------------

def _asgi_post(path, chunks, headers=()):
    """POST `chunks` to the ASGI application in this process; (status, body, chunks read)."""
    from pika.asgi import application

    read = 0
    sent = []

    async def receive():
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }
    asyncio.run(asyncio.wait_for(application(scope, receive, send), 10))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")
    return start["status"], body, read


def test_a_chunked_body_is_cut_off_at_the_limit(settings):
    settings.PIKA_MAX_BODY_BYTES = 64 * 1024
    chunks = [b"x" * 16 * 1024] * 1000  # 16 MB announced by nothing

    status, body, read = _asgi_post("/api/v1/push/subscriptions", chunks)

    assert status == 413
    assert json.loads(body) == {"error": {"code": "too_large", "message": "The body is over 64 KB."}}
    assert read == 5  # the first chunk past 64 KB, and not one more


def test_a_declared_length_over_the_limit_is_refused_before_reading(settings):
    status, body, read = _asgi_post("/api/v1/push/subscriptions", [b"{}"], headers=[(b"content-length", b"999999999")])

    assert (status, read) == (413, 0)


def test_a_form_page_gets_a_plain_413(settings):
    status, body, _ = _asgi_post("/accounts/login/", [b"a=" + b"x" * 70_000])

    assert (status, body) == (413, b"The body is over 64 KB.")


@pytest.mark.slow
def test_a_real_server_answers_a_chunked_flood_with_413(server_process):
    server = server_process()

    def flood():
        for _ in range(200):
            yield b"x" * 8192

    try:
        response = httpx.post(server.url + "/api/v1/push/subscriptions", content=flood(),
                              headers={"Content-Type": "application/json"}, timeout=10)
        status, body = response.status_code, response.json()
    except httpx.HTTPError as error:  # the server may close before the client stops writing
        pytest.fail(f"no 413 answer: {error!r}")
    assert status == 413
    assert body["error"]["code"] == "too_large"
    assert httpx.get(server.url + "/healthz", timeout=5).status_code == 200


def test_a_small_chunked_body_still_reaches_the_api(settings):
    status, body, _ = _asgi_post("/api/v1/push/subscriptions", [b'{"subscr', b'iption": {}}'])

    assert status == 400
    assert json.loads(body)["error"]["field"] == "subscription.endpoint"
