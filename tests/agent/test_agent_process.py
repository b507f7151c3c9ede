"""The real pika-dj process against a fake server: going live, stopping, crashing."""

import os
import pty
import signal
import time
from datetime import datetime, timezone

import pytest

from pika_dj.queue import PlayQueue
from pika_dj.sources.virtualdj import VirtualDJSource
from tests.agent.conftest import append, vdj_entry, wait_until
from tests.agent.fake_pika import TOKEN

NOW = int(time.time())


@pytest.fixture
def playlist(tmp_path):
    history = tmp_path / "History"
    history.mkdir()
    path = history / "2026-03-14.m3u"
    append(path, vdj_entry(NOW - 7200, "Before", "The Set", r"C:\m\old.mp3"))
    return path


@pytest.fixture
def live(run_agent, fake_pika, playlist, tmp_path):
    def start(*extra, **options):
        return run_agent(
            "live", "--server", fake_pika.url, "--token", TOKEN, "--virtualdj", str(playlist.parent),
            "--state-dir", str(tmp_path / "state"), "--poll", "0.1", *extra, **options,
        )

    return start


def posted(fake_pika, session_id=1):
    return fake_pika.posted(session_id)


def test_goes_live_posts_new_plays_and_keeps_the_set_on_stop(live, fake_pika, playlist):
    agent = live("--stage", "main", "--dj-name", "DJ Nova")
    agent.wait_for_output("Following VirtualDJ history in")
    assert fake_pika.requests[0] == ("POST", "/api/v1/sessions", {"dj_name": "DJ Nova", "stage": "main"})

    append(playlist, vdj_entry(NOW - 20, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    append(playlist, vdj_entry(NOW - 10, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3"))
    agent.wait_for_output("Sam Smith — Stay With Me")

    assert agent.stop(signal.SIGINT) == 0
    output = agent.output()
    assert output.startswith(
        f"Live on stage Main Floor: {fake_pika.url}/live/set1\n"
        f"The room's page (its QR poster): {fake_pika.url}/s/main\n"
    )
    assert "▀" in output or "▄" in output  # the QR code
    assert "skipping what was played before this set (1 play in the history)\n" in output
    assert "  Ella Henderson — Ghost\n" in output and "  Sam Smith — Stay With Me\n" in output
    assert output.endswith("Your set stays live. Run `pika-dj live` with the same options to carry on.\n")
    assert posted(fake_pika) == [("Ella Henderson", "Ghost"), ("Sam Smith", "Stay With Me")]
    assert fake_pika.sessions[1]["ended_at"] is None


def test_end_on_exit_ends_the_set(live, fake_pika, playlist):
    agent = live("--end-on-exit", "--no-qr")
    agent.wait_for_output("Ctrl-C to stop.")
    append(playlist, vdj_entry(NOW, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    wait_until(lambda: posted(fake_pika) == [("Ella Henderson", "Ghost")], message=agent.output)

    assert agent.stop(signal.SIGINT) == 0
    assert agent.output().endswith("Set ended. Thanks for the music!\n")
    assert fake_pika.sessions[1]["ended_at"] == "now"
    assert fake_pika.requests[-1] == ("POST", "/api/v1/sessions/1/end", None)


@pytest.mark.parametrize("answer, ended", [("y", "now"), ("", None)])
def test_ctrl_c_in_a_terminal_asks_whether_to_end_the_set(live, fake_pika, answer, ended):
    terminal, agent_side = pty.openpty()
    agent = live("--no-qr", stdin=agent_side)
    agent.wait_for_output("Ctrl-C to stop.")
    agent.process.send_signal(signal.SIGINT)
    agent.wait_for_output("End your set on Pika! now? [y/N] ")
    os.write(terminal, f"{answer}\n".encode())

    assert agent.process.wait(15) == 0
    assert fake_pika.sessions[1]["ended_at"] == ended
    os.close(terminal)
    os.close(agent_side)


def test_crash_while_offline_loses_and_doubles_nothing(live, fake_pika, playlist):
    agent = live("--no-qr")
    agent.wait_for_output("Ctrl-C to stop.")
    append(playlist, vdj_entry(NOW - 300, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    agent.wait_for_output("Ella Henderson — Ghost")

    fake_pika.down = True
    append(playlist, vdj_entry(NOW - 200, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3"))
    append(playlist, vdj_entry(NOW - 100, "Bruno Mars", "Treasure", r"C:\m\treasure.mp3"))
    agent.wait_for_output("offline — 2 tracks queued (the server answered HTTP 503); retrying by itself")
    agent.stop(signal.SIGKILL)

    # While the agent is down, one more play; then the server is back and the agent restarts.
    append(playlist, vdj_entry(NOW - 50, "Adele", "Rolling in the Deep", r"C:\m\adele.mp3"))
    fake_pika.down = False
    restarted = live("--no-qr")
    wait_until(lambda: len(posted(fake_pika)) == 4, message=restarted.output)
    restarted.wait_for_output("Adele — Rolling in the Deep")
    restarted.stop()

    assert restarted.output().startswith(f"Resumed: {fake_pika.url}/live/set1\n")
    assert len(fake_pika.sessions) == 1  # the same set, resumed
    assert posted(fake_pika) == [
        ("Ella Henderson", "Ghost"),
        ("Sam Smith", "Stay With Me"),
        ("Bruno Mars", "Treasure"),
        ("Adele", "Rolling in the Deep"),
    ]
    assert [t["played_at"] for t in fake_pika.tracks[1]] == [
        datetime.fromtimestamp(NOW - age, timezone.utc).isoformat() for age in (300, 200, 100, 50)
    ]


def test_a_resent_play_after_a_crash_is_stored_once(live, fake_pika, playlist, tmp_path):
    """Killed after the server stored a play but before the agent wrote that down."""
    agent = live("--no-qr")
    agent.wait_for_output("Ctrl-C to stop.")
    agent.stop(signal.SIGKILL)
    append(playlist, vdj_entry(NOW - 10, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    # The state as that crash leaves it: queued, not marked sent; the server has it already.
    play = VirtualDJSource(playlist.parent).read()[-1]
    queue = PlayQueue(tmp_path / "state")
    queue.enqueue(play.payload())
    queue.close()
    fake_pika.tracks[1].append(play.payload())

    restarted = live("--no-qr")
    wait_until(lambda: sum(1 for r in fake_pika.requests if r[1].endswith("/tracks")) == 1, message=restarted.output)
    restarted.wait_for_output("Ella Henderson — Ghost")
    restarted.stop()
    assert posted(fake_pika) == [("Ella Henderson", "Ghost")]


def test_set_ended_on_the_server_stops_with_a_clear_message(live, fake_pika, playlist):
    agent = live("--no-qr")
    agent.wait_for_output("Ctrl-C to stop.")
    fake_pika.sessions[1]["ended_at"] = "now"
    append(playlist, vdj_entry(NOW, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))

    assert agent.process.wait(15) == 1
    assert agent.output().endswith(
        "pika-dj: your set set1 was ended on the server (This set has ended; go live again to post tracks): "
        "ended from the dashboard, or you went live elsewhere. Stopped following; 1 queued track could not "
        "be delivered. Run `pika-dj live` again to start a new set.\n"
    )

    # The next run starts a new set instead of resuming the ended one.
    again = live("--no-qr")
    again.wait_for_output("Live: ")
    again.stop()
    assert len(fake_pika.sessions) == 2


def test_another_stage_starts_a_new_set_after_delivering_the_old_queue(live, fake_pika, playlist):
    agent = live("--no-qr")
    agent.wait_for_output("Ctrl-C to stop.")
    fake_pika.down = True
    append(playlist, vdj_entry(NOW - 5, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3"))
    agent.wait_for_output("offline — 1 track queued")
    agent.stop(signal.SIGKILL)
    fake_pika.down = False

    moved = live("--no-qr", "--stage", "main")
    moved.wait_for_output("Ctrl-C to stop.")
    moved.stop()
    assert "delivered 1 queued track of your previous set\n" in moved.output()
    assert posted(fake_pika, 1) == [("Ella Henderson", "Ghost")]
    assert fake_pika.sessions[1]["ended_at"] == "now"  # the server ends it when the new set starts
    assert fake_pika.sessions[2]["stage"]["name"] == "Main Floor"


def test_simulate_plays_the_built_in_set_and_ends_it(run_agent, fake_pika):
    simulation = run_agent("simulate", "--server", fake_pika.url, "--token", TOKEN, "--no-qr",
                           "--every", "0.05", "--count", "3")
    assert simulation.process.wait(15) == 0
    assert posted(fake_pika) == [
        ("Ella Henderson", "Ghost (WCS Edit)"),
        ("Sam Smith", "Stay With Me"),
        ("Bruno Mars", "Treasure"),
    ]
    assert fake_pika.sessions[1]["ended_at"] == "now"
    assert simulation.output().endswith("Set ended. Thanks for the music!\n")


def test_simulate_with_count_zero_plays_round_the_set_until_stopped(run_agent, fake_pika):
    from pika_dj.sources.simulated import SET_LIST

    simulation = run_agent("simulate", "--server", fake_pika.url, "--token", TOKEN, "--no-qr",
                           "--every", "0.01", "--count", "0")
    simulation.wait_for_output("Ctrl-C to stop.")
    wait_until(lambda: len(posted(fake_pika)) > len(SET_LIST), message=lambda: "the set did not come round again")
    assert simulation.stop() == 0
    assert "a simulated set of tracks until stopped, one every 0.01 s" in simulation.output()
    assert posted(fake_pika)[len(SET_LIST)] == SET_LIST[0][:2]
    assert fake_pika.sessions[1]["ended_at"] == "now"
