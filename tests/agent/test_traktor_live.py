"""Traktor live: its broadcast, received by the agent's Icecast-compatible endpoint, posts each
track at once; the History NML Traktor stores when it closes fills in only what the broadcast
missed. The broadcast is sent by a real Icecast source client (libshout's `shout`)."""

import os
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from pika_dj.agent import Agent
from pika_dj.client import PikaClient
from pika_dj.queue import PlayQueue
from pika_dj.sources.traktor import TraktorSource
from pika_dj.sources.traktor_broadcast import BroadcastReceiver
from tests.agent.conftest import wait_until
from tests.agent.fake_pika import TOKEN
from tests.agent.traktor_broadcast import broadcast, collection_entry, nml, ogg_track

pytestmark = pytest.mark.slow  # real oggenc and shout processes, about 2 s a test

GHOST = collection_entry(
    "Ella Henderson", "Ghost (WCS Edit)", musical_key=14, info_key="FORDJ.UK", bpm=98, album="Chapter One",
    file_name="Ghost.mp3",
)
TETE = collection_entry("Léa Paci", "Tête baissée", musical_key=21, info_key="Am", bpm=101, file_name="Tete.mp3")
HUMAN = collection_entry("Rag'n'Bone Man", "Human", musical_key=3, info_key="junk", file_name="Human.mp3")
OLD = collection_entry("Bruno Mars", "Treasure", musical_key=7, file_name="Treasure.mp3")


@pytest.fixture
def traktor(fake_pika, tmp_path):
    folder = tmp_path / "Traktor 3.11.1"
    (folder / "History").mkdir(parents=True)
    (folder / "collection.nml").write_text(nml([GHOST, TETE, HUMAN, OLD]), encoding="utf-8")
    client = PikaClient(fake_pika.url, TOKEN)
    session = client.start_session()
    queue = PlayQueue(tmp_path / "state")
    queue.start_session(session)
    since = datetime.now(timezone.utc)
    source = TraktorSource(folder)
    source.listen(0, tmp_path / "state" / "traktor-broadcast.jsonl", since)
    receiver = source.broadcast
    messages = []
    agent = Agent(client, source, queue, session["id"], messages.append, poll=0.2)
    agent.step()  # going live: nothing in the History yet

    def history(*plays, name="history_2026y03m14d_22h40m00s.nml"):
        """Traktor closes: it stores the History of this session."""
        path = folder / "History" / name
        path.write_text(nml([GHOST, TETE, HUMAN, OLD], list(plays)), encoding="utf-8")
        future = time.time() + 1  # stored after every broadcast track
        os.utime(path, (future, future))

    def posted():
        return fake_pika.tracks[session["id"]]

    def until_posted(count):
        def poll():
            agent.step()
            return len(posted()) >= count
        wait_until(poll, 20, lambda: f"posted {posted()}, said {messages}")

    yield SimpleNamespace(
        folder=folder, source=source, agent=agent, receiver=receiver, since=since, history=history,
        posted=posted, until_posted=until_posted, messages=messages, tmp=tmp_path,
    )
    source.close()
    queue.close()
    client.close()


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ogg")
    return (
        ogg_track(folder, "Ella Henderson", "Ghost (WCS Edit)")
        + ogg_track(folder, "Léa Paci", "Tête baissée", album="Tête baissée (Single)")
    )


def test_each_broadcast_track_is_posted_with_traktors_analysed_key(traktor, stream):
    sent = broadcast(traktor.receiver.port, stream)
    assert sent.returncode == 0, sent.stderr
    traktor.until_posted(2)

    ghost, tete = traktor.posted()
    assert (ghost["artist"], ghost["title"]) == ("Ella Henderson", "Ghost (WCS Edit)")
    # MUSICAL_KEY 14 is D minor; the tag text "FORDJ.UK" is not a key.
    assert (ghost["key"], ghost["bpm"], ghost["album"], ghost["duration_ms"]) == ("Dm", 98.0, "Chapter One", 200000)
    assert (tete["artist"], tete["title"], tete["key"], tete["album"]) == (
        "Léa Paci", "Tête baissée", "Am", "Tête baissée (Single)"
    )
    started = datetime.fromisoformat(ghost["played_at"])
    assert traktor.since <= started <= datetime.now(timezone.utc)
    assert "Traktor's broadcast is connected: each track is posted as it starts" in traktor.messages


def test_the_history_after_quitting_fills_in_only_what_the_broadcast_missed(traktor, stream):
    broadcast(traktor.receiver.port, stream)
    traktor.until_posted(2)
    ghost_at, tete_at = (datetime.fromisoformat(t["played_at"]) for t in traktor.posted())
    assert traktor.source.final_write_due() == "Traktor to store its history (it does when you close Traktor)"

    # Traktor quits and stores its History: the two broadcast tracks (a few seconds off),
    # one played while Broadcasting was off, one only in the headphones, one before the set.
    missed_at = tete_at + timedelta(minutes=3)
    traktor.history(
        ("Treasure.mp3", traktor.since - timedelta(hours=1), True),
        ("Ghost.mp3", ghost_at - timedelta(seconds=40), True),
        ("Tete.mp3", tete_at - timedelta(seconds=5), True),
        ("Ghost.mp3", tete_at + timedelta(minutes=1), False),
        ("Human.mp3", missed_at, True),
    )
    traktor.agent.step()
    traktor.agent.step()

    titles = [t["title"] for t in traktor.posted()]
    assert titles == ["Ghost (WCS Edit)", "Tête baissée", "Human"]
    human = traktor.posted()[2]
    assert human["key"] == "Eb"  # MUSICAL_KEY 3; the tag said "junk"
    assert abs(datetime.fromisoformat(human["played_at"]) - missed_at) < timedelta(seconds=1)
    assert traktor.source.final_write_due() is None


def test_a_restarted_agent_does_not_post_broadcast_tracks_again_from_the_history(traktor, stream, fake_pika):
    broadcast(traktor.receiver.port, stream)
    traktor.until_posted(2)
    ghost_at = datetime.fromisoformat(traktor.posted()[0]["played_at"])

    # The agent restarts: a new source reads the broadcast journal kept in the state folder.
    again = TraktorSource(traktor.folder)
    try:
        again.listen(0, traktor.tmp / "state" / "traktor-broadcast.jsonl", traktor.since)
        traktor.history(("Ghost.mp3", ghost_at + timedelta(seconds=30), True))
        assert [(p.title, p.source_id) for p in again.read()] == [
            (t["title"], t["source_id"]) for t in traktor.posted()
        ]
    finally:
        again.close()


def test_the_same_track_sent_again_on_reconnecting_is_one_play(traktor, tmp_path):
    ghost = ogg_track(tmp_path, "Ella Henderson", "Ghost (WCS Edit)")
    broadcast(traktor.receiver.port, ghost)
    broadcast(traktor.receiver.port, ghost)  # Broadcasting off and on again mid-track
    traktor.until_posted(1)
    traktor.agent.step()

    assert [t["title"] for t in traktor.posted()] == ["Ghost (WCS Edit)"]


def test_a_stream_that_is_not_ogg_is_reported_and_the_next_one_works(traktor, tmp_path, stream):
    import socket

    with socket.create_connection(("127.0.0.1", traktor.receiver.port)) as connection:
        connection.sendall(b"SOURCE /pika HTTP/1.0\r\nAuthorization: Basic c291cmNlOnBpa2E=\r\n"
                           b"Content-Type: audio/mpeg\r\n\r\n" + b"\xff\xfb" * 500)
        connection.recv(100)
    broadcast(traktor.receiver.port, stream)
    traktor.until_posted(2)

    assert "Traktor's broadcast is not Ogg Vorbis: choose Ogg Vorbis in its settings" in traktor.messages


def test_a_busy_port_is_a_clear_error():
    first = BroadcastReceiver(port=0).start()
    try:
        from pika_dj.sources import SourceError

        with pytest.raises(SourceError, match=f"127.0.0.1:{first.port}.*pass --broadcast-port"):
            BroadcastReceiver(port=first.port)
    finally:
        first.stop()


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_pika_dj_live_traktor_prints_the_settings_and_waits_for_the_history_before_ending(
    run_agent, fake_pika, tmp_path, stream
):
    import signal

    folder = tmp_path / "Traktor 3.11.1"
    (folder / "History").mkdir(parents=True)
    (folder / "collection.nml").write_text(nml([GHOST, TETE, HUMAN]), encoding="utf-8")
    port = free_port()
    agent = run_agent(
        "live", "--server", fake_pika.url, "--token", TOKEN, "--traktor", str(folder),
        "--broadcast-port", str(port), "--state-dir", str(tmp_path / "state"), "--poll", "0.2",
        "--end-on-exit", "--no-qr",
    )
    agent.wait_for_output("Ctrl-C to stop.")
    assert (
        f"Following Traktor's broadcast on 127.0.0.1:{port}, and its history in {folder / 'History'} when it closes\n"
        f"Traktor's broadcast is received at http://127.0.0.1:{port}/pika. In Traktor:\n"
        "  Preferences > Broadcasting > Server Settings:\n"
        f"    Address 127.0.0.1   Port {port}   Mount Path /pika   Password pika (any)\n"
    ) in agent.output()

    assert broadcast(port, stream).returncode == 0
    agent.wait_for_output("Léa Paci — Tête baissée")
    agent.process.send_signal(signal.SIGTERM)  # the DJ ends the set while Traktor is still open
    agent.wait_for_output(
        "Waiting for Traktor to store its history (it does when you close Traktor) before ending the set"
    )
    assert fake_pika.sessions[1]["ended_at"] is None

    # Traktor closes and stores its History, with a track the broadcast missed.
    missed_at = datetime.now(timezone.utc) - timedelta(seconds=1)
    (folder / "History" / "history_2026y03m14d_23h00m00s.nml").write_text(
        nml([GHOST, TETE, HUMAN], [("Human.mp3", missed_at, True)]), encoding="utf-8"
    )
    assert agent.process.wait(20) == 0
    output = agent.output()
    assert "Traktor stored its history.\n" in output and "Set ended. Thanks for the music!\n" in output
    assert fake_pika.posted(1) == [
        ("Ella Henderson", "Ghost (WCS Edit)"), ("Léa Paci", "Tête baissée"), ("Rag'n'Bone Man", "Human"),
    ]
    assert fake_pika.sessions[1]["ended_at"] == "now"
