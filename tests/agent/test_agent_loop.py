"""The follow-and-post loop, in process, against a fake Pika! server."""

import time
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from pika_dj.agent import Agent
from pika_dj.client import PikaClient, SessionGone
from pika_dj.hashing import file_hash
from pika_dj.queue import PlayQueue
from pika_dj.sources.virtualdj import VirtualDJSource
from tests.agent.conftest import append, vdj_entry
from tests.agent.fake_pika import TOKEN, error

NOW = int(time.time())


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def setup(fake_pika, tmp_path):
    history = tmp_path / "History"
    history.mkdir()
    playlist = history / "2026-03-14.m3u"
    playlist.write_bytes(b"\xef\xbb\xbf")
    client = PikaClient(fake_pika.url, TOKEN)
    session = client.start_session()
    queue = PlayQueue(tmp_path / "state")
    queue.start_session(session)
    messages = []
    clock = Clock()
    agent = Agent(client, VirtualDJSource(history), queue, session["id"], messages.append, poll=1.0, clock=clock)

    yield SimpleNamespace(
        agent=agent, queue=queue, playlist=playlist, messages=messages,
        clock=clock, fake=fake_pika, session_id=session["id"],
    )
    queue.close()
    client.close()


def test_history_before_going_live_is_not_posted_but_the_playing_track_is(setup):
    # "Playing now" is judged against the wall clock, so the times are taken here, not at import.
    now = int(time.time())
    append(setup.playlist, vdj_entry(now - 3600, "Old", "One", r"C:\m\1.mp3"))
    append(setup.playlist, vdj_entry(now - 60, "Now", "Playing", r"C:\m\2.mp3", songlength="200.0"))
    setup.agent.step()

    assert setup.fake.posted(setup.session_id) == [("Now", "Playing")]
    assert setup.messages[0] == "skipping what was played before this set (1 play in the history)"


def test_new_plays_are_posted_in_order_with_their_details(setup, tmp_path):
    setup.agent.step()
    audio = tmp_path / "Ella Henderson - Ghost.mp3"
    audio.write_bytes(bytes(100_000))
    ghost = vdj_entry(NOW - 10, "Ella Henderson", "Ghost", str(audio), remix="WCS Edit", songlength="213.412")
    append(setup.playlist, ghost)
    append(setup.playlist, vdj_entry(NOW - 5, "Sam Smith", "Stay With Me", r"C:\not\here.mp3", bpm="84", key="C"))
    setup.agent.step()

    ghost, stay = setup.fake.tracks[setup.session_id]
    assert ghost["artist"] == "Ella Henderson" and ghost["title"] == "Ghost (WCS Edit)"
    assert ghost["played_at"] == datetime.fromtimestamp(NOW - 10, timezone.utc).isoformat()
    assert ghost["duration_ms"] == 213412
    assert ghost["file_hash"] == file_hash(str(audio))
    assert ghost["source_id"].startswith(f"vdj-{NOW - 10}-")
    assert (stay["bpm"], stay["key"]) == (84.0, "C")
    assert "file_hash" not in stay  # the file is on another laptop
    assert [m[7:] for m in setup.messages] == ["Ella Henderson — Ghost (WCS Edit)", "Sam Smith — Stay With Me"]

    setup.agent.step()  # nothing new: nothing posted again
    assert len(setup.fake.requests) == 3


def test_offline_queues_then_recovers_by_itself(setup):
    setup.agent.step()
    setup.fake.down = True
    for n in range(3):
        append(setup.playlist, vdj_entry(NOW - 30 + n, "Artist", f"Song {n}", rf"C:\m\{n}.mp3"))
    setup.agent.step()

    assert setup.messages[-1].startswith("offline — 3 tracks queued (the server answered HTTP 503)")
    assert setup.queue.pending_count() == 3

    requests = len(setup.fake.requests)
    setup.agent.step()  # still backing off: no request
    assert len(setup.fake.requests) == requests

    setup.fake.down = False
    setup.clock.now += 1.0
    setup.agent.step()
    assert setup.fake.posted(setup.session_id) == [("Artist", "Song 0"), ("Artist", "Song 1"), ("Artist", "Song 2")]
    assert [t["played_at"] for t in setup.fake.tracks[setup.session_id]] == [
        datetime.fromtimestamp(NOW - 30 + n, timezone.utc).isoformat() for n in range(3)
    ]
    assert setup.messages[-1] == "back online — every queued track is sent"
    assert setup.queue.pending_count() == 0


def test_offline_backoff_grows_up_to_five_seconds(setup):
    setup.agent.step()
    setup.fake.down = True
    append(setup.playlist, vdj_entry(NOW, "A", "B", r"C:\m\b.mp3"))
    delays = []
    for _ in range(5):
        setup.clock.now = setup.agent.retry_at
        setup.agent.step()
        delays.append(setup.agent.retry_at - setup.clock.now)
    assert delays == [1.0, 2.0, 4.0, 5.0, 5.0]
    # Shown once: the count did not change.
    assert [m for m in setup.messages if m.startswith("offline")] == [
        "offline — 1 track queued (the server answered HTTP 503); retrying by itself"
    ]


def test_rate_limited_waits_as_told(setup):
    setup.agent.step()
    status, body, _ = error(429, "rate_limited", "Too many requests.")
    setup.fake.track_failures.append((status, body, {"Retry-After": "7"}))
    append(setup.playlist, vdj_entry(NOW, "A", "B", r"C:\m\b.mp3"))
    setup.agent.step()

    assert setup.messages[-1] == "the server asks to slow down; retrying in 7 s"
    assert setup.agent.retry_at == setup.clock.now + 7
    setup.clock.now += 7
    setup.agent.step()
    assert setup.fake.posted(setup.session_id) == [("A", "B")]


def test_a_refused_track_is_skipped_and_the_rest_still_goes(setup):
    setup.agent.step()
    setup.fake.track_failures.append(error(400, "invalid_field", "bpm: too large", "bpm"))
    append(setup.playlist, vdj_entry(NOW - 2, "Bad", "Track", r"C:\m\1.mp3"))
    append(setup.playlist, vdj_entry(NOW - 1, "Good", "Track", r"C:\m\2.mp3"))
    setup.agent.step()

    assert setup.fake.posted(setup.session_id) == [("Good", "Track")]
    assert "skipped" in setup.messages[0] and "Bad — Track: the server refused it (bpm: too large)" in setup.messages[0]
    assert setup.queue.pending_count() == 0


def test_laptop_clock_ahead_posts_without_played_at(setup):
    setup.agent.step()
    setup.fake.track_failures.append(error(400, "invalid_field", "played_at is in the future.", "played_at"))
    append(setup.playlist, vdj_entry(NOW + 3600, "Early", "Bird", r"C:\m\1.mp3"))
    setup.agent.step()

    [posted] = setup.fake.tracks[setup.session_id]
    assert (posted["title"], "played_at" in posted) == ("Bird", False)
    assert setup.messages[0] == "this laptop's clock is ahead of the server's; the server's time is used instead"


def test_long_text_is_clipped_to_the_server_limit(setup):
    setup.agent.step()
    append(setup.playlist, vdj_entry(NOW, "A" * 600, "T", r"C:\m\1.mp3", key="Ebm / D#m minor key"))
    setup.agent.step()
    [posted] = setup.fake.tracks[setup.session_id]
    assert len(posted["artist"]) == 500 and posted["artist"].endswith("…")
    assert posted["key"] == "Ebm / D#m minor"


def test_a_set_ended_on_the_server_stops_the_loop(setup):
    setup.agent.step()
    setup.fake.sessions[setup.session_id]["ended_at"] = "now"
    append(setup.playlist, vdj_entry(NOW, "A", "B", r"C:\m\1.mp3"))
    with pytest.raises(SessionGone):
        setup.agent.step()
    assert setup.queue.pending_count() == 1


def test_unreadable_history_is_reported_once_and_recovers(setup):
    setup.agent.step()
    history = setup.playlist.parent
    history.rename(history.with_name("moved"))
    setup.agent.step()
    setup.agent.step()
    history.with_name("moved").rename(history)
    append(setup.playlist, vdj_entry(NOW, "A", "B", r"C:\m\1.mp3"))
    setup.agent.step()

    assert setup.messages[:2] == [
        f"cannot read VirtualDJ right now: VirtualDJ history folder not found: {history}; trying again",
        "reading VirtualDJ again",
    ]
    assert setup.fake.posted(setup.session_id) == [("A", "B")]
