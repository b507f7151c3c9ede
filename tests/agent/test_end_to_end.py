"""The real pika-dj process against a real Pika! server process.

Go live on a demo stage, append plays to a VirtualDJ history file, and see them
on the stage's public now-playing JSON; then stop the server, play two more,
start it again, and see both arrive once with the times they were played.
"""

import json
import time
from datetime import datetime, timezone
from io import StringIO

import httpx
import pytest
from django.core.management import call_command

from tests.agent.conftest import append, vdj_entry, wait_until

NOW = int(time.time())


@pytest.fixture
def demo(transactional_db):
    out = StringIO()
    call_command("pika_demo", "--json", stdout=out)
    return json.loads(out.getvalue())


def now_playing(server, stage):
    response = httpx.get(f"{server.url}/api/v1/stages/{stage}/now-playing", timeout=5)
    assert response.status_code == 200
    return response.json()


def titles(data):
    return [track["title"] for track in data["recent"]]


def played(age):
    return datetime.fromtimestamp(NOW - age, timezone.utc)


def test_live_set_reaches_the_stage_and_survives_a_server_restart(server_process, demo, run_agent, tmp_path):
    server = server_process()
    stage = demo["stages"][0]
    history = tmp_path / "VirtualDJ" / "History"
    history.mkdir(parents=True)
    playlist = history / "2026-03-14.m3u"
    append(playlist, vdj_entry(NOW - 7200, "Earlier", "Set", r"C:\m\earlier.mp3"))

    agent = run_agent(
        "live", "--server", server.url, "--token", demo["dj_token"], "--stage", stage,
        "--virtualdj", str(history), "--state-dir", str(tmp_path / "state"), "--poll", "0.1", "--no-qr",
    )
    agent.wait_for_output("Ctrl-C to stop.", timeout=30)
    assert agent.output().startswith(f"Live on stage Main Floor: {server.url}/live/")
    assert f"The room's page (its QR poster): {server.url}/s/{stage}\n" in agent.output()

    append(playlist, vdj_entry(NOW - 300, "Ella Henderson", "Ghost", r"C:\m\ghost.mp3", remix="WCS Edit"))
    append(playlist, vdj_entry(NOW - 200, "Sam Smith", "Stay With Me", r"C:\m\stay.mp3"))
    append(playlist, vdj_entry(NOW - 100, "Bruno Mars", "Treasure", r"C:\m\treasure.mp3"))
    agent.wait_for_output("Bruno Mars — Treasure")  # stored and marked sent: nothing left in the queue

    data = now_playing(server, stage)
    assert data["session"]["dj_name"] == "DJ Demo"
    assert data["now_playing"]["title"] == "Treasure"
    assert titles(data) == ["Treasure", "Stay With Me", "Ghost (WCS Edit)"]
    assert [datetime.fromisoformat(t["played_at"]) for t in data["recent"]] == [played(100), played(200), played(300)]

    server.stop()
    append(playlist, vdj_entry(NOW - 60, "Adele", "Rolling in the Deep", r"C:\m\adele.mp3"))
    append(playlist, vdj_entry(NOW - 30, "Lizzo", "Good as Hell", r"C:\m\lizzo.mp3"))
    agent.wait_for_output("offline — 2 tracks queued")
    server.start()
    wait_until(lambda: len(now_playing(server, stage)["recent"]) == 5, timeout=30, message=agent.output)
    agent.wait_for_output("back online — every queued track is sent")

    data = now_playing(server, stage)
    assert titles(data) == ["Good as Hell", "Rolling in the Deep", "Treasure", "Stay With Me", "Ghost (WCS Edit)"]
    assert [datetime.fromisoformat(t["played_at"]) for t in data["recent"][:2]] == [played(30), played(60)]
    assert len({t["source_id"] for t in data["recent"]}) == 5
    assert agent.stop() == 0
    assert now_playing(server, stage)["session"]["ended_at"] is None  # stopping the agent keeps the set live


def test_wrong_token_and_unknown_stage_against_the_real_server(server_process, demo, run_agent, tmp_path):
    server = server_process()
    history = tmp_path / "History"
    history.mkdir()
    common = ["--virtualdj", str(history), "--state-dir", str(tmp_path / "state"), "--no-qr"]

    wrong = run_agent("live", "--server", server.url, "--token", "not-a-token", *common)
    assert wrong.process.wait(20) == 1
    assert wrong.output() == (
        "pika-dj: Pika! refused the token (A valid API token is required (Authorization: Bearer <token>)). "
        "Check --token / PIKA_TOKEN, or create a new token in your DJ dashboard.\n"
    )

    unknown = run_agent("live", "--server", server.url, "--token", demo["dj_token"], "--stage", "nope", *common)
    assert unknown.process.wait(20) == 1
    assert unknown.output() == (
        "pika-dj: unknown stage code 'nope' (No stage has that code). "
        "Check the code on the stage's QR poster or ask the organizer.\n"
    )


@pytest.mark.slow
def test_the_agent_prints_the_set_address_the_server_answers(server_process, demo, run_agent, tmp_path):
    # No PIKA_BASE_URL: the server answers with the address the agent reached, not 127.0.0.1.
    server = server_process(PIKA_BASE_URL="")
    reached = server.url.replace("127.0.0.1", "localhost")
    history = tmp_path / "History"
    history.mkdir()
    (history / "2026-03-14.m3u").write_bytes(b"")

    agent = run_agent(
        "live", "--server", reached, "--token", demo["dj_token"], "--virtualdj", str(history),
        "--state-dir", str(tmp_path / "state"), "--no-qr",
    )
    agent.wait_for_output("Ctrl-C to stop.", timeout=30)
    assert agent.output().startswith(f"Live: {reached}/live/")
    assert "PIKA_BASE_URL" not in agent.output()
