"""HTTP requests' sync code runs on threads that outlive the request (pika/request_threads.py):
the next request reuses one instead of the event loop starting (and joining) a thread per
request, while each request still has its thread to itself."""

import asyncio
import threading

from asgiref.sync import sync_to_async

from pika.asgi import application
from pika.request_threads import ReusedRequestThreads


def recording_app(seen, started=None, release=None):
    """An ASGI app whose 'request' records the thread of each of its sync calls."""

    async def app(scope, receive, send):
        first = await sync_to_async(threading.get_ident)()
        if started is not None:
            started.set()
            await release.wait()
        second = await sync_to_async(threading.get_ident)()
        seen.append((scope["path"], first, second))

    return app


def request(app, path):
    return app({"type": "http", "path": path}, None, None)


def test_requests_one_after_another_reuse_one_thread_and_keep_it_for_the_whole_request():
    seen = []
    app = ReusedRequestThreads(recording_app(seen))

    async def main():
        for n in range(5):
            await request(app, f"/{n}")

    asyncio.run(main())

    threads = {thread for _, first, second in seen for thread in (first, second)}
    assert [path for path, _, _ in seen] == ["/0", "/1", "/2", "/3", "/4"]
    assert len(threads) == 1
    assert threading.get_ident() not in threads  # not the event loop's


def test_requests_at_once_each_get_their_own_thread():
    seen = []

    async def main():
        started, release = asyncio.Event(), asyncio.Event()
        app = ReusedRequestThreads(recording_app(seen, started, release))
        slow = asyncio.ensure_future(request(app, "/slow"))
        await started.wait()  # the slow request holds its thread…
        other = ReusedRequestThreads(recording_app(seen))
        other.idle = app.idle  # (the same pool, idle now: empty)
        await request(other, "/quick")  # …and another one still runs meanwhile
        release.set()
        await slow

    asyncio.run(main())

    (quick, quick_1, quick_2), (slow, slow_1, slow_2) = seen
    assert (quick, slow) == ("/quick", "/slow")
    assert quick_1 == quick_2 and slow_1 == slow_2
    assert quick_1 != slow_1


def test_the_idle_pool_is_bounded():
    seen = []

    async def main():
        app = ReusedRequestThreads(recording_app(seen), idle_limit=2)
        started = [asyncio.Event() for _ in range(4)]
        release = asyncio.Event()
        apps = [recording_app(seen, s, release) for s in started]
        tasks = []
        for inner in apps:
            app.app = inner
            tasks.append(asyncio.ensure_future(request(app, "/")))
            await asyncio.sleep(0)
        for s in started:
            await s.wait()
        release.set()
        await asyncio.gather(*tasks)
        return app

    app = asyncio.run(main())

    assert len({first for _, first, _ in seen}) == 4
    assert len(app.idle) == 2


def test_the_server_application_runs_http_requests_on_reused_threads():
    assert isinstance(application.application_mapping["http"], ReusedRequestThreads)


# A middleware and a view that record their thread, for the handler test below.
_threads = []


def recording_middleware(get_response):
    def middleware(request):
        _threads.append(("middleware", threading.get_ident()))
        return get_response(request)

    return middleware


def recording_view(request):
    from django.http import HttpResponse

    import inspect

    _threads.append(("view", threading.get_ident()))
    # Reached through the event loop, the view would run inside asgiref's
    # CurrentThreadExecutor.run_until_future (async_to_sync, then sync_to_async back).
    bounced = any(frame.function == "run_until_future" for frame in inspect.stack())
    return HttpResponse("bounced" if bounced else "ok")


urlpatterns = []  # filled below (this module is the test's ROOT_URLCONF)


def test_the_handler_runs_sync_middleware_and_view_in_one_go_on_the_requests_thread(settings):
    """No bounce to the event loop between the middleware and the view (SyncChainASGIHandler)."""
    from channels.testing import HttpCommunicator
    from django.urls import path

    from pika.request_threads import SyncChainASGIHandler

    urlpatterns[:] = [path("here", recording_view)]
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = [f"{__name__}.recording_middleware"]
    _threads.clear()
    handler = SyncChainASGIHandler()

    async def main():
        communicator = HttpCommunicator(ReusedRequestThreads(handler), "GET", "/here")
        response = await communicator.get_response()
        await communicator.wait()  # the request's clean-up too (its body file closed)
        return response

    response = asyncio.run(main())

    assert (response["status"], response["body"]) == (200, b"ok")
    assert [where for where, _ in _threads] == ["middleware", "view"]
    assert _threads[0][1] == _threads[1][1] != threading.get_ident()


def test_the_server_application_uses_that_handler():
    from pika.request_threads import SyncChainASGIHandler

    assert isinstance(application.application_mapping["http"].app.app, SyncChainASGIHandler)
