"""Per-process fan-out: one channel-layer subscription per group per process.

Channels gives every socket its own channel: a group message becomes, per socket, a
queue put, a task wake-up, a msgpack decode and a dispatch round — per socket, for every
track. On this 2-core machine that machinery, not the network, limited how fast a track
reached 2000 phones (docs/benchmarks.md). Here each process subscribes to a group once,
receives each message once, and hands it to its local sockets directly.

Sends run eagerly, in the relay's own step: a socket with room in its buffer (nearly
all) takes the frame at once with no task; on uvicorn the frame is encoded once per
message and its bytes written to each socket's transport (`direct_writer`). Only a socket
that must wait (a slow phone whose buffer is full) gets a task to finish its send, so it
never holds up the others, and its next frames queue behind it.
"""

import asyncio
import logging
import weakref

from channels.layers import get_channel_layer
from websockets.frames import Frame, Opcode
from websockets.protocol import OPEN

from pika import live_state
from pika.open_sockets import uvicorn_socket

log = logging.getLogger(__name__)

JOIN_WAIT_SECONDS = 2
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 5


class Relay:
    """The groups this process's live sockets are in, for one event loop."""

    def __init__(self):
        self.members = {}  # group -> set of consumers in this process
        self.subscriptions = {}  # group -> (relay task, future set once subscribed)
        self.unfinished = set()  # sends waiting for a slow socket
        self.sending = {}  # consumer -> its sends still waiting (its next frames queue behind)
        # group -> the newest version this process knows the group has reached: read once
        # when it subscribes, then raised by every message it relays. A connecting socket
        # labels its state with it instead of asking Redis (pika/live_state.py: a label
        # never newer than the state's content is all that correctness needs).
        self.versions = {}

    def versions_for(self, groups):
        """{group: version} as this process knows them, or None if it does not for all."""
        try:
            return {group: self.versions[group] for group in groups}
        except KeyError:
            return None

    async def join(self, group, consumer):
        self.members.setdefault(group, set()).add(consumer)
        if group not in self.subscriptions:
            ready = asyncio.get_running_loop().create_future()
            self.subscriptions[group] = (asyncio.create_task(self._relay(group, ready)), ready)
        ready = self.subscriptions[group][1]
        if ready.done() and not ready.cancelled() and ready.exception() is None:
            return  # nearly every joiner: the group was subscribed before it came
        # Every joiner waits until the group is really subscribed, so none misses a message;
        # but not forever: with Redis down the page still opens with its state from the
        # database, and live updates follow once the subscription (retried) is made.
        try:
            await asyncio.wait_for(asyncio.shield(ready), JOIN_WAIT_SECONDS)
        except Exception:
            log.warning("relay: %s not subscribed yet; the page opens without live updates for now", group)

    def leave(self, group, consumer):
        members = self.members.get(group)
        if members is None:
            return
        members.discard(consumer)
        if not members:
            del self.members[group]
            self.versions.pop(group, None)
            task, _ = self.subscriptions.pop(group)
            task.cancel()

    def _raise_version(self, group, version):
        if version > self.versions.get(group, 0):
            self.versions[group] = version

    async def _relay(self, group, ready):
        layer = get_channel_layer()
        channel = None
        try:
            delay = RETRY_FIRST_SECONDS
            while True:
                # A failed subscription is retried, never kept: when Redis comes back,
                # the group's sockets get live updates again without a restart.
                try:
                    if channel is None:
                        channel = await layer.new_channel("relay.")
                    await layer.group_add(group, channel)
                    break
                except Exception:
                    log.warning("relay: subscribing to %s failed; retrying in %.1f s", group, delay, exc_info=True)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX_SECONDS)
            # Read after subscribing: every later change arrives here as a message.
            known = await asyncio.to_thread(live_state.current_versions, [group])
            if known is not None:
                self._raise_version(group, known[group])
            ready.set_result(None)
            while True:
                try:
                    message = await layer.receive(channel)
                except Exception:
                    # The layer reconnects by itself; keep this group's relay alive meanwhile.
                    log.exception("relay: receiving for %s failed", group)
                    await asyncio.sleep(1)
                    continue
                if message.get("version") is not None:
                    self._raise_version(group, message["version"])
                self._hand_out(group, message)
        except Exception as error:
            if not ready.done():
                ready.set_exception(error)
            raise
        finally:
            if not ready.done():
                ready.cancel()
            if channel is not None:
                try:
                    await layer.group_discard(group, channel)
                except Exception:
                    log.warning("relay: unsubscribing from %s failed", group, exc_info=True)

    def _hand_out(self, group, message):
        # Sockets that had this change in another group's message (pika/live.py
        # send_pair) are left out.
        skipped = self.members.get(message.get("skip"), ()) if message.get("skip") else ()
        frame = None
        for consumer in tuple(self.members.get(group, ())):
            if consumer in skipped:
                continue
            # Nearly every socket: the frame, encoded once, straight to its transport.
            # A socket still finishing an earlier send waits its turn (order is kept).
            write = direct_writer(consumer) if message["type"] == "live.html" and consumer not in self.sending else None
            if write is not None:
                if frame is None:
                    frame = text_frame(message["html"])
                write(frame)
            else:
                self._send_now(consumer, consumer.dispatch(message))

    def _send_now(self, consumer, coroutine):
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return
        except Exception as error:
            _failed(error)
            return
        task = asyncio.ensure_future(_finish(coroutine, waiting))
        self.unfinished.add(task)
        self.sending[consumer] = self.sending.get(consumer, 0) + 1
        task.add_done_callback(lambda done: self._sent(consumer, done))

    def _sent(self, consumer, task):
        self.unfinished.discard(task)
        self.sending[consumer] -= 1
        if not self.sending[consumer]:
            del self.sending[consumer]


def text_frame(text):
    """One WebSocket text frame as a server sends it (unmasked, no compression: the
    server runs without per-message deflate), encoded once per message."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


def direct_writer(consumer):
    """The socket's transport `write` when uvicorn's WebSocket protocol is open and can
    take a frame now, else None (another server, a test communicator, a closing, paused or
    held socket): the consumer's own send then runs, as before.

    Why: at 2000 phones uvicorn's per-send work (Channels' send, the ASGI send, framing
    the same text again per socket) was a quarter of a track's server CPU (docs/benchmarks.md).
    """
    protocol = uvicorn_socket(consumer)
    if consumer.held is not None or protocol is None:
        return None
    try:
        ready = (protocol.handshake_complete and not protocol.close_sent and not protocol.disconnected
                 and protocol.initial_response is None and protocol.writable.is_set()
                 and protocol.conn.state is OPEN and not protocol.conn.extensions
                 and not protocol.transport.is_closing())
    except AttributeError:  # a uvicorn whose protocol changed shape: the plain send is right
        return None
    return protocol.transport.write if ready else None


async def _finish(coroutine, waiting):
    """Drive a send that had to wait to its end, as a task would have."""
    try:
        while True:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                waiting._asyncio_future_blocking = False
                await asyncio.wait([waiting])
            try:
                waiting = coroutine.send(None)
            except StopIteration:
                return
            except Exception as error:
                _failed(error)
                return
    finally:
        coroutine.close()


def _failed(error):
    if isinstance(error, OSError):
        # The socket is closing (uvicorn's ClientDisconnected); its disconnect cleans up.
        log.debug("relay: send to a closing socket failed", exc_info=error)
    else:
        log.error("relay: a socket's handler failed", exc_info=error)


_relays = weakref.WeakKeyDictionary()


def relay():
    """This event loop's relay (tests run one loop per test; a server runs one)."""
    loop = asyncio.get_running_loop()
    found = _relays.get(loop)
    if found is None:
        found = _relays[loop] = Relay()
    return found
