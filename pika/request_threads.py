"""Each HTTP request's sync code (middleware, view, response close) on a thread that
outlives it: a pool of one-thread executors, handed to Django through asgiref's
ThreadSensitiveContext(executor=...).

Django's ASGI handler gives every request a fresh thread of its own, and asgiref starts it
and, after the response, starts another one to join it. The event loop waits for each
start, and under load (a hundred vote taps a second, docs/benchmarks.md "The floor votes")
every start waits for the GIL behind the busy request threads: the loop that relays a
track to a thousand phones stalled on it. Reused threads start once. A request still
runs alone on its thread, as Django expects (its database connection is the thread's,
returned to the pool at the end of the request as before).
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler

# Idle threads kept for the next requests; more run at once when needed (then end).
IDLE_LIMIT = 64


class ReusedRequestThreads:
    def __init__(self, app, idle_limit=IDLE_LIMIT):
        self.app = app
        self.idle_limit = idle_limit
        self.idle = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        executor = self.idle.pop() if self.idle else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            if len(self.idle) < self.idle_limit:
                self.idle.append(executor)
            else:
                executor.shutdown(wait=False)


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain built as under WSGI, run in one go
    on the request's thread. Our middlewares are sync, and over Django's async chain the
    request went thread → event loop → thread (the innermost sync middleware calls the
    async view runner, which calls the sync view): two hops more per request, each
    copying the context and queueing for the GIL. Every view is sync (an async one would
    still work, through async_to_sync, as under WSGI)."""

    def __init__(self):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)
