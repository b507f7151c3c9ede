"""What a track POST and its broadcast cost: the DJ's agent waits for the answer, and the
broadcast shares the process with the next POST (docs/benchmarks.md, "Track POST"), so
their queries and Redis round trips are pinned here."""

import functools
import os
import re
import uuid

import pytest
import redis.connection

from pika import live_state
from pika.api import SLIDING_LOG
from pika.cache import FailOpenRedisCache, redis_of
from stages import live
from stages.models import DJSet, PlayedTrack

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def stage_set(dj, event):
    """A set that drives a stage: its broadcast reaches the set, the stage, the event, the
    organizer's dashboard and the lobby."""
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova", event.stages.get(name="Main Floor"))
    return dj_set


def test_a_track_post_answers_in_five_statements(api, stage_set, django_assert_num_queries):
    api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "Warm-up", "title": "First"})  # stamps the token
    # The token; the set; the track (in a savepoint here, the test's transaction; by itself
    # in production: no BEGIN, no COMMIT, no second write for the set's last activity); the
    # crowd's votes for it (none: no resolved conflicts to read) and its link, in a
    # savepoint here (none in production). No lookup of a link for a track stored just now.
    with django_assert_num_queries(9) as captured:
        response = api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "Ella Henderson", "title": "Ghost"})
    assert response.status_code == 201
    statements = [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 5
    assert not [sql for sql in statements if sql.startswith("SELECT") and "crate_tracklink" in sql]
    assert not [sql for sql in statements if sql.startswith("UPDATE")]


@pytest.mark.django_db(transaction=True)
def test_in_autocommit_an_unmatched_tracks_link_is_written_after_the_response(api, stage_set, one_process,
                                                                              monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crate.models import TrackLink
    from pika import deferred

    api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "Warm-up", "title": "First"})  # stamps the token
    answered_at = []
    after_response = deferred._run

    def mark_the_response(queue):
        answered_at.append(len(captured.captured_queries))
        after_response(queue)

    monkeypatch.setattr(deferred, "_run", mark_the_response)
    with CaptureQueriesContext(connection) as captured:
        response = api.post(f"/sessions/{stage_set.pk}/tracks",
                            {"artist": "Ella Henderson", "title": "Ghost", "isrc": "GB-ARL-14-00001"})
    assert (response.status_code, response.json()["identity"]) == (201, None)
    statements = [query["sql"] for query in captured.captured_queries]
    # Answered after four: the token, the set, the track's insert (no transaction around
    # it), the crowd's votes. The link is the last thing written, after the broadcast.
    answered = statements[:answered_at[0]]
    assert len(answered) == 4 and answered[2].startswith("INSERT") and "crate_tracklink" not in " ".join(answered)
    assert statements[-1].startswith("INSERT") and "crate_tracklink" in statements[-1]
    assert [sql for sql in statements[answered_at[0]:-1] if sql.startswith("SELECT")]  # the broadcast's reads
    link = TrackLink.objects.get(played_id=response.json()["id"])
    assert (link.isrc, link.identity, link.auto) == ("GBARL1400001", None, False)


@pytest.mark.django_db(transaction=True)  # in autocommit, as after a response
def test_an_unmatched_link_written_late_keeps_a_djs_answer_and_gains_the_isrc(stage_set):
    from crate import verification
    from crate.models import Track, TrackLink

    track, _ = stage_set.add_track(artist="Ella Henderson", title="Ghost")
    late = TrackLink(played=track, isrc="GBARL1400001")
    ghost = Track.objects.create(artist="Ella Henderson", title="Ghost")
    verification.confirm(stage_set.dj, track, ghost)  # the DJ answered before the late write
    verification.store_unmatched_link(late)
    link = TrackLink.objects.get(played=track)
    assert (link.identity, link.isrc) == (ghost, "GBARL1400001")


def test_a_track_found_again_by_its_source_id_keeps_its_link(api, stage_set):
    first = api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": "T", "source_id": "p-1"}).json()
    again = api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": "T", "source_id": "p-1"})
    assert (again.status_code, again.json()["id"]) == (201, first["id"])
    assert PlayedTrack.objects.get().crate_link is not None


def test_a_now_playing_broadcast_on_a_stage_costs_two_queries(stage_set, one_process, django_assert_num_queries):
    stage_set.add_track(artist="Warm-up", title="First")
    track, _ = stage_set.add_track(artist="Ella Henderson", title="Ghost")
    # The set's two newest tracks and whether a newer set took its stage, in one (the set,
    # its stage and event come as the request read them); the set's poll (once for both
    # now-playing cards: stage page, set page). The room's card and the organizer's row
    # reuse the set and track it has.
    with django_assert_num_queries(2) as captured:
        live.broadcast_track(stage_set, track.pk)
    newest = captured.captured_queries[0]["sql"]
    assert newest.startswith("SELECT") and "EXISTS" in newest and "events_event" not in newest


def test_a_set_ended_after_the_request_read_it_gets_no_now_playing_card(stage_set, one_process, hops):
    track, _ = stage_set.add_track(artist="Ella Henderson", title="Ghost")
    as_read = DJSet.objects.select_related("stage__event").get(pk=stage_set.pk)
    DJSet.objects.get(pk=stage_set.pk).end()  # the DJ ended the set in another request meanwhile
    live.broadcast_track(as_read, track.pk)
    # Only the set's own page hears of the track (its whole state, ended); the room has moved on.
    assert hops == [[f"session.{stage_set.pk}"]]
    assert "This set has ended" in hops.messages[f"session.{stage_set.pk}"]["html"]


@pytest.fixture
def redis_versions(monkeypatch):
    """Versions kept in the real Redis, under a prefix of this test's own."""
    cache = FailOpenRedisCache(REDIS_URL, {"KEY_PREFIX": f"versions-{uuid.uuid4().hex[:8]}",
                                           "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    monkeypatch.setattr(live_state, "_cache", functools.cache(lambda: cache))  # one_process clears it
    cache.get("warm-up")  # the connection's own handshake is not a bump's
    yield cache
    cache.clear()


@pytest.fixture
def round_trips(monkeypatch):
    """Writes to Redis (a pipeline is one) made by the synchronous client."""
    sent = []
    original = redis.connection.Connection.send_packed_command

    def counted(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counted)
    return sent


def test_a_bump_on_redis_is_one_round_trip_and_starts_at_the_clock(redis_versions, round_trips):
    before = live_state._now_us()
    first = live_state.bump("stage.7")
    assert len(round_trips) == 1
    assert before < first <= live_state._now_us() + 1
    assert live_state.bump("stage.7") == first + 1
    assert live_state.current_versions(["stage.7"]) == {"stage.7": first + 1}


def test_bumping_several_groups_is_one_round_trip(redis_versions, round_trips):
    stage = live_state.bump("stage.7")
    round_trips.clear()
    versions = live_state.bump_many(["stage.7", "event.3"])
    assert len(round_trips) == 1
    assert versions[0] == stage + 1 and versions[1] > stage  # a new group starts at the clock


def test_a_version_on_redis_never_goes_back_when_its_key_is_lost(redis_versions):
    first = live_state.bump("stage.7")
    redis_versions.delete(live_state._key("stage.7"))  # a Redis restart
    assert live_state.bump("stage.7") > first


def test_with_redis_down_a_bump_is_none_and_the_change_still_goes_out(monkeypatch, caplog):
    gone = FailOpenRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    monkeypatch.setattr(live_state, "_cache", lambda: gone)
    assert live_state.bump("stage.7") is None
    assert live_state.bump_many(["stage.7", "event.3"]) == [None, None]
    assert "live versions: cannot bump ['stage.7', 'event.3']" in caplog.text
    # Unversioned: no marker, so no page takes it for a change it already has.
    assert live_state.message("stage.7", None, "<p>Ghost</p>") == {"type": "live.html", "html": "<p>Ghost</p>"}


@pytest.fixture
def redis_throttle(monkeypatch):
    """The token throttle on the real Redis, under a prefix of this test's own."""
    from pika.api import TokenRateThrottle

    cache = FailOpenRedisCache(REDIS_URL, {"KEY_PREFIX": f"throttle-{uuid.uuid4().hex[:8]}",
                                           "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    monkeypatch.setattr(TokenRateThrottle, "cache", cache)
    # Once per Redis (after a restart too) the script itself goes over: not per request.
    redis_of(cache).script_load(SLIDING_LOG)
    yield cache
    cache.clear()


def test_on_redis_the_token_throttle_is_one_round_trip_and_limits_as_before(
    api, stage_set, settings, redis_throttle, round_trips, other_dj
):
    settings.PIKA_API_RATE = "3/m"
    statuses = []
    for n in range(5):
        round_trips.clear()
        statuses.append(api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": f"T{n}"}).status_code)
        assert len(round_trips) == 1  # no other Redis on a POST's own path
    assert statuses == [201, 201, 201, 429, 429]
    limited = api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": "again"})
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 61
    from accounts.models import ApiToken

    theirs, _ = DJSet.objects.go_live(other_dj)
    _, secret = ApiToken.issue(other_dj, "theirs")
    assert api.post(f"/sessions/{theirs.pk}/tracks", {"artist": "A", "title": "T"}, token=secret).status_code == 201


def test_a_request_leaves_the_window_after_its_duration(api, stage_set, settings, redis_throttle, monkeypatch):
    from pika.api import TokenRateThrottle

    settings.PIKA_API_RATE = "2/m"
    now = [1_000_000.0]
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: now[0])
    post = lambda: api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": "T"}).status_code  # noqa: E731
    assert [post(), post(), post()] == [201, 201, 429]
    now[0] += 59.9
    assert post() == 429
    now[0] += 0.2
    # The first two are out of the window, and a refused request never counted.
    assert [post(), post(), post()] == [201, 201, 429]


def test_with_redis_down_the_token_throttle_lets_the_track_in(api, stage_set, monkeypatch, caplog):
    from pika.api import TokenRateThrottle

    gone = FailOpenRedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})
    monkeypatch.setattr(TokenRateThrottle, "cache", gone)
    assert api.post(f"/sessions/{stage_set.pk}/tracks", {"artist": "A", "title": "T"}).status_code == 201
    assert "Rate limit skipped: its cache is unreachable" in caplog.text


@pytest.fixture
def hops(monkeypatch):
    """The hops pika.live makes onto the event loop, each with the groups it sends to."""
    from asgiref.sync import async_to_sync

    from pika import live as pika_live

    class Hops(list):
        messages = {}  # group -> the last message sent to it

    made = Hops()
    real_layer = pika_live.get_channel_layer

    class Recording:
        def __init__(self):
            self.layer = real_layer()

        async def group_send(self, group, message):
            made[-1].append(group)
            made.messages[group] = message
            await self.layer.group_send(group, message)

    def hop(fn):
        made.append([])
        return async_to_sync(fn)

    monkeypatch.setattr(pika_live, "get_channel_layer", Recording)
    monkeypatch.setattr(pika_live, "async_to_sync", hop)
    return made


def test_a_now_playing_broadcast_sends_the_room_first(stage_set, one_process, redis_versions, round_trips, hops):
    stage_set.add_track(artist="Warm-up", title="First")
    track, _ = stage_set.add_track(artist="Ella Henderson", title="Ghost")
    stage, event = stage_set.stage, stage_set.stage.event
    live.broadcast_track(stage_set, track.pk)
    # The room's phones and the event's pages in one hop with their versions in one round
    # trip, before the set's own page is even rendered; then the set's page and the
    # organizer's row in one (the lobby, told on the way, has its own: recaps/live.py).
    assert hops == [[f"stage.{stage.pk}", f"event.{event.pk}"], [f"session.{stage_set.pk}", f"organize.{event.pk}"]]
    # Only the version bumps (SET NX and INCRBY per group): a listener count or a rate key
    # may add a round trip of its own, depending on what ran before.
    sent = [b"".join(command) if isinstance(command, list) else command for command in round_trips]
    bumps = [command for command in sent if b"live-version" in command]
    assert [[group.decode() for group in re.findall(rb"live-version:([a-z]+)\.?\d*", bump)] for bump in bumps] == [
        ["stage", "stage", "event", "event"], ["lobby"] * 2, ["session", "session", "organize", "organize"]]


def test_sends_made_together_keep_their_order_and_go_out_despite_an_error(one_process, redis_versions, round_trips, hops):
    from pika import live as pika_live

    with pytest.raises(RuntimeError):
        with pika_live.together():
            pika_live.send("session.1", "<p>a</p>")
            with pika_live.together():  # inside another: sent at the outer one's end
                pika_live.send_pair("stage.2", "<p>b</p>", "event.3", "<p>c</p>")
            assert hops == []
            raise RuntimeError("a render failed")
    assert hops == [["session.1", "stage.2", "event.3"]]
    assert len(round_trips) == 1
    versions = live_state.current_versions(["session.1", "stage.2", "event.3"])
    assert all(version is not None for version in versions.values())


def test_both_now_playing_cards_show_the_running_poll(stage_set, one_process, hops):
    from crowd.models import Poll

    Poll.objects.start(stage_set, "Vibe check?", ["Hot", "Cool"])
    track, _ = stage_set.add_track(artist="Ella Henderson", title="Ghost")
    live.broadcast_track(stage_set, track.pk)
    for group in (f"session.{stage_set.pk}", f"stage.{stage_set.stage_id}"):
        html = hops.messages[group]["html"]
        assert "Ghost" in html and html.count("Vibe check?") == 1 and "Hot" in html, group
    assert " on Main Floor" in hops.messages[f"stage.{stage_set.stage_id}"]["html"]
    assert " on Main Floor" not in hops.messages[f"session.{stage_set.pk}"]["html"]
