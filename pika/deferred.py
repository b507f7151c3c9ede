"""Work that may wait until the response has gone: `after_response(fn, *args)`.

A live change is saved, then broadcast on commit (stages/models.py). Rendering and sending
the fragments took most of a track POST's time (docs/benchmarks.md, "Track POST"), and the
DJ's agent waits for the answer, not for the phones. Inside a request the broadcast is
therefore queued and runs once the response has been sent (Django calls the response's
closers then, under ASGI after the last byte went out, in the test client right after the
view). Outside a request (tasks, commands) it runs at once. Either way it runs only after
the commit, and a rolled-back change never reaches a phone.
"""

import contextvars
import logging

log = logging.getLogger(__name__)

_queued = contextvars.ContextVar("pika_after_response", default=None)


def after_response(fn, *args):
    queue = _queued.get()
    if queue is None:
        fn(*args)
    else:
        queue.append((fn, args))


def _run(queue):
    while queue:
        fn, args = queue.pop(0)
        try:
            fn(*args)
        except Exception:
            # Like on_commit(robust=True): the change is saved; one failed broadcast must not
            # keep the others (or the response's clean-up) from running.
            log.exception("after response: %s failed", getattr(fn, "__name__", fn))


def after_response_middleware(get_response):
    def middleware(request):
        queue = []
        token = _queued.set(queue)
        try:
            response = get_response(request)
        finally:
            _queued.reset(token)
        if queue:
            response._resource_closers.append(lambda: _run(queue))
        return response

    return middleware
