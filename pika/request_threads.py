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

from asgiref.sync import ThreadSensitiveContext

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
