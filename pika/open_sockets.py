"""What uvicorn keeps for each open phone's socket, made smaller once the socket is accepted.

A process holding 1000 phones multiplies every byte here by a thousand (docs/benchmarks.md,
"Memory"). uvicorn's WebSocket protocol (`make run`'s, sans-I/O) keeps, for the socket's
whole life, things only the handshake needed (the upgrade request and response, and the
request again inside websockets' parser, the request's headers in the scope) and an
asyncio Queue and Event whose four deques (760 bytes each) hold nothing nearly all the
time. `lighten` lets go of the first and swaps the second for equivalents that allocate
only while something waits: 22 KB a phone became 13 KB (docs/benchmarks.md, "Fifth sitting").
"""

import asyncio

from websockets.protocol import Protocol
from websockets.streams import StreamReader


def uvicorn_socket(consumer):
    """The uvicorn WebSocket protocol (`make run`'s, sans-I/O) behind the consumer's send,
    or None (another server, a test communicator)."""
    protocol = getattr(consumer.base_send, "__self__", None)
    return protocol if type(protocol).__name__ == "WebSocketsSansIOProtocol" else None


def lighten(consumer):
    """Called once a live page's consumer has accepted: on uvicorn, drop the handshake and
    use the lighter inbox and write gate; elsewhere, nothing. The consumer has read what it
    needs of the request (its origin, path and query) and never reads its headers again;
    any copy of the scope made by a middleware shares the one list, emptied here."""
    protocol = uvicorn_socket(consumer)
    if protocol is None or not getattr(protocol, "handshake_complete", False):
        return
    protocol.request = protocol.response = None
    headers = consumer.scope.get("headers")
    if isinstance(headers, list):
        headers.clear()
    _restart_parser(protocol.conn)
    if type(protocol.queue) is asyncio.Queue:
        protocol.queue = Inbox(protocol.queue)
    if type(protocol.writable) is asyncio.Event:
        protocol.writable = WriteGate(protocol.writable.is_set())


def _restart_parser(conn):
    """websockets' server parser keeps the parsed request in its frame while it reads
    frames (a local of `ServerProtocol.parse`, 3 KB with its headers). Between frames, a
    fresh frame parser is the same parser without it; in the middle of one, it stays."""
    waiting = getattr(conn.parser, "gi_yieldfrom", None)
    if (waiting is not None and waiting.gi_code is Protocol.parse.__code__
            and waiting.gi_yieldfrom is not None and waiting.gi_yieldfrom.gi_code is StreamReader.at_eof.__code__
            and not conn.reader.buffer):
        conn.parser = Protocol.parse(conn)
        next(conn.parser)


class Inbox:
    """uvicorn's receive queue, as it uses it (`put_nowait`, `get`, `empty`, `qsize`),
    without three deques and an Event per socket: a list and, while the app waits, one future."""

    __slots__ = ("items", "waiter")

    def __init__(self, queue=None):
        self.items = []
        self.waiter = None
        while queue is not None and not queue.empty():
            self.items.append(queue.get_nowait())

    def put_nowait(self, item):
        self.items.append(item)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def get(self):
        while not self.items:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        return self.items.pop(0)

    def empty(self):
        return not self.items

    def qsize(self):
        return len(self.items)


class WriteGate:
    """uvicorn's `writable` Event (`set`, `clear`, `is_set`, `wait`): open unless the
    transport's buffer is full; futures only while a send waits for it to drain."""

    __slots__ = ("open", "waiters")

    def __init__(self, open=True):
        self.open = open
        self.waiters = None

    def is_set(self):
        return self.open

    def set(self):
        self.open = True
        waiters, self.waiters = self.waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(True)

    def clear(self):
        self.open = False

    async def wait(self):
        if self.open:
            return True
        waiter = asyncio.get_running_loop().create_future()
        if self.waiters is None:
            self.waiters = []
        self.waiters.append(waiter)
        try:
            return await waiter
        finally:
            if self.waiters is not None and waiter in self.waiters:
                self.waiters.remove(waiter)
