"""Redis stops in the middle of a set, with phones connected, and comes back.

Every track posted during the outage is saved (201) and reaches the phones once Redis is
back; pages answer 200 throughout (counts shown as unknown, the HTMX poll works); live
updates resume on the open sockets without a restart; counts are right again after the
listeners' heartbeat.
"""

import httpx
import pytest
from asgiref.sync import sync_to_async

from stages.models import PlayedTrack
from tests.faults.conftest import Phone, eventually

pytestmark = [pytest.mark.slow, pytest.mark.faults]

PHONES = 5


async def test_a_redis_outage_loses_nothing_and_live_updates_resume(
    server_process, server_env, private_redis, dj_token, event
):
    stage = await sync_to_async(lambda: event.stages.get(name="Main Floor"))()
    server = await sync_to_async(server_process)(**server_env)
    headers = {"Authorization": f"Bearer {dj_token}"}
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=10) as api:
        dj_set = (await api.post("/api/v1/sessions", json={"dj_name": "DJ Nova", "stage": stage.code})).json()
        phones = [await Phone(server.url, f"/ws/stages/{stage.code}/").connect() for _ in range(PHONES)]

        async def post(title):
            response = await api.post(f"/api/v1/sessions/{dj_set['id']}/tracks", json={"artist": "Artist", "title": title})
            assert response.status_code == 201, response.text
            return response

        await post("Before the outage")
        await eventually(lambda: all(phone.seen("Before the outage") for phone in phones), 10, "the first track")

        private_redis.stop()
        await post("During the outage 1")
        await post("During the outage 2")
        page = await api.get(f"/s/{stage.code}")
        poll = await api.get(f"/s/{stage.code}", headers={"HX-Request": "true"})
        now_playing = await api.get(f"/api/v1/stages/{stage.code}/now-playing")
        health = await api.get("/healthz")

        assert page.status_code == 200 and "During the outage 2" in page.text
        assert "? listening" in page.text
        assert poll.status_code == 200 and "During the outage 2" in poll.text
        assert now_playing.status_code == 200
        assert now_playing.json()["now_playing"]["title"] == "During the outage 2"
        assert now_playing.json()["listeners"] is None
        assert (health.status_code, health.json()["redis"]) == (503, "unreachable")

        private_redis.start()
        await eventually(
            lambda: all(phone.seen("During the outage 1") and phone.seen("During the outage 2") for phone in phones),
            30, "the tracks saved during the outage to reach the phones",
        )
        await post("After the outage")
        await eventually(lambda: all(phone.seen("After the outage") for phone in phones), 30, "live updates to resume")

        async def listeners():
            return (await api.get(f"/api/v1/stages/{stage.code}/now-playing")).json()["listeners"]

        # Redis came back empty; the heartbeat writes each process's count again.
        deadline = 60
        for _ in range(deadline * 2):
            if await listeners() == PHONES:
                break
            await __import__("asyncio").sleep(0.5)
        assert await listeners() == PHONES

        for phone in phones:
            await phone.close()

    titles = await sync_to_async(lambda: list(PlayedTrack.objects.order_by("pk").values_list("title", flat=True)))()
    assert titles == ["Before the outage", "During the outage 1", "During the outage 2", "After the outage"]
    # The phones saw the outage's tracks in the order they were played.
    for phone in phones:
        joined = "\n".join(phone.messages)
        assert joined.index("During the outage 1") < joined.index("During the outage 2") < joined.index("After the outage")
