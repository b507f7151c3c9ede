"""The API client turns every answer into data or one of a few exceptions."""

import socket

import pytest

from pika_dj.client import NotFound, Offline, PikaClient, RateLimited, Rejected, SessionGone, Unauthorized
from tests.agent.fake_pika import TOKEN, error


def closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_start_post_end(fake_pika):
    client = PikaClient(fake_pika.url + "/", TOKEN)
    session = client.start_session(dj_name="DJ Nova", stage="main")
    assert (session["id"], session["stage"]["name"]) == (1, "Main Floor")

    stored = client.post_track(1, {"artist": "A", "title": "T", "source_id": "s1"})
    assert stored == {"artist": "A", "title": "T", "source_id": "s1"}
    client.end_session(1)
    assert fake_pika.requests[0] == ("POST", "/api/v1/sessions", {"dj_name": "DJ Nova", "stage": "main"})
    assert fake_pika.requests[-1] == ("POST", "/api/v1/sessions/1/end", None)


def test_wrong_token(fake_pika):
    with pytest.raises(Unauthorized) as raised:
        PikaClient(fake_pika.url, "nope").start_session()
    assert (raised.value.status, raised.value.code) == (401, "unauthorized")


def test_unknown_stage(fake_pika):
    with pytest.raises(NotFound) as raised:
        PikaClient(fake_pika.url, TOKEN).start_session(stage="zzz")
    assert (raised.value.code, raised.value.field) == ("stage_not_found", "stage")


def test_unknown_or_ended_session_is_gone(fake_pika):
    client = PikaClient(fake_pika.url, TOKEN)
    with pytest.raises(SessionGone):
        client.post_track(99, {"artist": "A", "title": "T"})
    client.start_session()
    client.end_session(1)
    with pytest.raises(SessionGone) as raised:
        client.post_track(1, {"artist": "A", "title": "T"})
    assert (raised.value.status, raised.value.code) == (409, "session_ended")


def test_rate_limited_carries_retry_after(fake_pika):
    client = PikaClient(fake_pika.url, TOKEN)
    client.start_session()
    status, body, _ = error(429, "rate_limited", "Too many requests.")
    fake_pika.track_failures.append((status, body, {"Retry-After": "7"}))
    with pytest.raises(RateLimited) as raised:
        client.post_track(1, {"artist": "A", "title": "T"})
    assert raised.value.retry_after == 7.0


def test_invalid_body_is_rejected(fake_pika):
    client = PikaClient(fake_pika.url, TOKEN)
    client.start_session()
    fake_pika.track_failures.append(error(400, "invalid_field", "played_at is in the future.", "played_at"))
    with pytest.raises(Rejected) as raised:
        client.post_track(1, {"artist": "A", "title": "T"})
    assert raised.value.field == "played_at"


def test_server_errors_and_foreign_answers_are_offline(fake_pika):
    client = PikaClient(fake_pika.url, TOKEN)
    fake_pika.down = True
    with pytest.raises(Offline, match="HTTP 503"):
        client.start_session()
    fake_pika.down = False
    client.start_session()
    fake_pika.track_failures.append((404, {"detail": "captive portal"}, {}))
    with pytest.raises(Offline, match="not as a Pika! server would"):
        client.post_track(1, {"artist": "A", "title": "T"})


def test_unreachable_server_is_offline():
    with pytest.raises(Offline, match="cannot connect"):
        PikaClient(closed_port_url(), TOKEN, timeout=2).start_session()


def test_server_address_without_scheme_means_https():
    assert PikaClient("pika.example.com/", TOKEN).server == "https://pika.example.com"
