"""A server process is killed (SIGKILL) during a set and restarted.

Two processes share a private Redis, phones on both. The survivor keeps serving: tracks
posted meanwhile are saved and reach its phones; the killed process's listeners leave
the count when its keys expire; the restarted process serves its reconnecting phones the
whole set, each track once.
"""

import asyncio
import signal

import httpx
import pytest
from asgiref.sync import sync_to_async

from stages.models import PlayedTrack
from tests.faults.conftest import Phone, eventually
from tests.live_server import server_for_test

pytestmark = [pytest.mark.slow, pytest.mark.faults]

TTL = 6  # seconds; production's PIKA_LISTENER_TTL_SECONDS is 60 ("within a minute")


async def test_a_killed_server_process_loses_nothing_and_its_listeners_leave_the_count(
    server_process, server_env, dj_token, event
):
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    env = {**server_env, "PIKA_LISTENER_TTL_SECONDS": str(TTL)}
    survivor = await sync_to_async(server_process)(**env)
    doomed = await sync_to_async(server_process)(**env)
    path = f"/ws/stages/{stage.code}/"
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {dj_token}"}, timeout=10) as api:
        dj_set = (await api.post(survivor.url + "/api/v1/sessions", json={"stage": stage.code})).json()

        async def post(server, title):
            response = await api.post(f"{server.url}/api/v1/sessions/{dj_set['id']}/tracks",
                                      json={"artist": "Artist", "title": title, "source_id": title})
            assert response.status_code == 201, response.text

        async def listeners():
            return (await api.get(f"{survivor.url}/api/v1/stages/{stage.code}/now-playing")).json()["listeners"]

        staying = [await Phone(survivor.url, path).connect() for _ in range(3)]
        leaving = [await Phone(doomed.url, path).connect() for _ in range(2)]
        await post(doomed, "Before the crash")
        await eventually(lambda: all(p.seen("Before the crash") for p in staying + leaving), 10, "the first track")
        for _ in range(40):
            if await listeners() == 5:
                break
            await asyncio.sleep(0.25)
        assert await listeners() == 5

        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(10)
        await post(survivor, "While it was down")
        await eventually(lambda: all(p.seen("While it was down") for p in staying), 10, "the survivor's phones")
        for _ in range(int(TTL * 3 / 0.25)):
            if await listeners() == 3:
                break
            await asyncio.sleep(0.25)
        assert await listeners() == 3

        restarted = await sync_to_async(server_for_test(port=doomed.port, **env).start)()
        try:
            back = [await Phone(restarted.url, path).connect() for _ in range(2)]
            for phone in back:
                assert "While it was down" in phone.messages[0] and "Before the crash" in phone.messages[0]
            await post(restarted, "After the restart")
            await post(restarted, "After the restart")  # the agent's retry: same source_id
            await eventually(lambda: all(p.seen("After the restart") for p in staying + back), 10, "everyone")
            for _ in range(int(TTL * 3 / 0.25)):
                if await listeners() == 5:
                    break
                await asyncio.sleep(0.25)
            assert await listeners() == 5
            for phone in staying + back:
                await phone.close()
        finally:
            await sync_to_async(restarted.stop)()

    titles = await sync_to_async(lambda: list(PlayedTrack.objects.order_by("pk").values_list("title", flat=True)))()
    assert titles == ["Before the crash", "While it was down", "After the restart"]
