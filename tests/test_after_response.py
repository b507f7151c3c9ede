"""Broadcasts queued in a request run after its response has gone (pika/deferred.py)."""

from django.http import HttpResponse
from django.test import RequestFactory

from pika.deferred import after_response, after_response_middleware


def test_work_queued_in_a_request_waits_for_the_response_to_be_sent():
    done = []

    def view(request):
        after_response(done.append, "first")
        after_response(done.append, "second")
        return HttpResponse("saved")

    response = after_response_middleware(view)(RequestFactory().post("/api/v1/sessions/1/tracks"))
    assert response.content == b"saved"
    assert done == []
    response.close()  # what the server does once the last byte is out
    assert done == ["first", "second"]


def test_a_failing_piece_of_work_does_not_stop_the_rest(caplog):
    done = []

    def broken():
        raise RuntimeError("channel layer down")

    def view(request):
        after_response(broken)
        after_response(done.append, "still sent")
        return HttpResponse("saved")

    after_response_middleware(view)(RequestFactory().get("/")).close()
    assert done == ["still sent"]
    assert "broken failed" in caplog.text


def test_outside_a_request_work_runs_at_once():
    done = []
    after_response(done.append, "now")
    assert done == ["now"]
