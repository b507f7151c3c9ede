"""The relay writes a change's frame, encoded once, straight to each socket (pika/relay.py):
on a real uvicorn server phones get valid frames in order; a socket still finishing an
earlier send gets the next change through its own send, after that one."""

import asyncio

import httpx
import pytest
import websockets
from asgiref.sync import sync_to_async
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from pika import relay


async def test_phones_on_a_real_server_get_every_track_as_valid_frames_in_order(server_process, dj_token, event):
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    server = await sync_to_async(server_process)()
    phones = [await websockets.connect(f"{server.ws_url}/ws/stages/{stage.code}/", origin=server.url)
              for _ in range(3)]
    for phone in phones:
        await phone.recv()  # the first state, through the consumer's own send
    titles = [f"Frame test {k} " + "é" * 40 for k in range(5)]  # multi-byte text in the frame
    async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=10,
                                 headers={"Authorization": f"Bearer {dj_token}"}) as api:
        dj_set = (await api.post("/sessions", json={"stage": stage.code})).json()
        for title in titles:
            response = await api.post(f"/sessions/{dj_set['id']}/tracks", json={"artist": "Artist", "title": title})
            assert response.status_code == 201, response.text
    for phone in phones:
        # A track whose broadcast ran after a newer one's comes as the whole state (the
        # newer one playing): what a phone shows as now playing only ever moves forward.
        shown = []
        while not shown or shown[-1] != len(titles) - 1:
            message = await asyncio.wait_for(phone.recv(), 10)
            shown += [k for k, title in enumerate(titles)
                      if f'class="track-title" elementtiming="now-playing">{title}<' in message]
        assert shown == sorted(shown)
        await phone.close()


def test_a_frame_is_one_unmasked_text_frame_of_the_whole_text():
    text = "Now playing: Señorita " * 4000  # over 64 KiB: the longest length form
    reader = StreamReader()
    reader.feed_data(relay.text_frame(text))
    reader.feed_eof()
    with pytest.raises(StopIteration) as parsed:
        next(Frame.parse(reader.read_exact, mask=False))
    frame = parsed.value.value
    assert (frame.opcode, frame.fin, frame.data.decode()) == (Opcode.TEXT, True, text)
    assert bytes(reader.buffer) == b""  # nothing after the one frame


class Socket:
    """A consumer as the relay sees it: its own send is slow when told to be."""

    held = None

    def __init__(self):
        self.sent = []
        self.slow = None

    async def dispatch(self, message):
        if self.slow is not None:
            await self.slow.wait()  # as uvicorn's send waits until the socket is writable
        self.sent.append(("send", message["html"]))


async def test_a_socket_finishing_a_send_gets_the_next_change_after_it(monkeypatch):
    socket, other = Socket(), Socket()
    monkeypatch.setattr(relay, "direct_writer", lambda consumer: lambda frame: consumer.sent.append(("write", frame)))
    hub = relay.Relay()
    hub.members["stage.1"] = {socket, other}
    socket.slow = asyncio.Event()  # its buffer is full

    def message(html):
        return {"type": "live.html", "html": html}

    # The first change had to wait for the slow socket: the relay finishes it in a task.
    hub._send_now(socket, socket.dispatch(message("one")))
    hub._hand_out("stage.1", message("two"))
    assert other.sent == [("write", relay.text_frame("two"))]
    assert socket.sent == [] and hub.sending == {socket: 2}
    socket.slow.set()
    await asyncio.gather(*hub.unfinished)
    assert socket.sent == [("send", "one"), ("send", "two")]
    assert hub.sending == {}
    hub._hand_out("stage.1", message("three"))
    assert socket.sent[-1] == ("write", relay.text_frame("three"))


@pytest.mark.parametrize("held", [[], None])
def test_no_direct_write_to_a_socket_that_is_not_a_uvicorn_one_or_is_still_connecting(held):
    socket = Socket()
    socket.held = held
    socket.base_send = lambda message: None
    assert relay.direct_writer(socket) is None
