"""The live state's versions and the per-process first-state cache (pika/live_state.py)."""

import asyncio

from pika import live_state


def test_a_version_only_goes_up_even_when_the_cache_forgets_it():
    group = "stage.12345"
    first = live_state.current_versions([group])[group]
    assert live_state.current_versions([group]) == {group: first}
    assert live_state.bump(group) == first + 1
    assert live_state.current_versions([group, "event.9"])[group] == first + 1
    # A Redis restart loses the key: the next number still beats every earlier one.
    live_state._cache().delete(live_state._key(group))
    assert live_state.current_versions([group])[group] > first + 1


def test_versions_a_page_asks_with():
    assert live_state.parse_versions(b"v=stage.1%3D42%2Cevent.2%3D7") == {"stage.1": 42, "event.2": 7}
    assert live_state.parse_versions(b"dj=1&v=session.3=9") == {"session.3": 9}
    assert live_state.format_versions({"stage.1": 42, "event.2": 7}) == "event.2=7,stage.1=42"
    for garbage in [b"", b"v=", b"v=abc", b"v=stage.1=", b"v=stage.1=-3", b"v=stage.1=1e9", b"v==5",
                    b"v=stage.1=" + b"9" * 40, b"v=%00", b"x=1", b"v=stage.1=1,,"]:
        assert live_state.parse_versions(garbage) is None, garbage


def test_markers():
    assert live_state.state_marker({"stage.1": 9, "event.2": 3}) == "<!--state:event.2=3,stage.1=9-->"
    assert live_state.change_marker("stage.1", 9) == "<!--v:stage.1=9-->"
    assert live_state.state_marker(None) == live_state.change_marker("stage.1", None) == ""


def test_a_message_the_state_already_holds():
    versions = {"stage.1": 10, "event.2": 5}
    assert live_state.already_in({"group": "stage.1", "version": 10}, versions)
    assert not live_state.already_in({"group": "stage.1", "version": 11}, versions)
    assert not live_state.already_in({"group": "event.3", "version": 1}, versions)
    # Counts and unversioned messages always go through.
    assert not live_state.already_in({"html": "12 listening"}, versions)
    assert not live_state.already_in({"group": "stage.1", "version": 3}, None)


async def test_a_thousand_connects_cost_one_render_per_version():
    states = live_state.FirstStates()
    renders = []

    def render(label):
        renders.append(label)
        return f"state {label}"

    got = await asyncio.gather(*(states.get("stage:A", 5, lambda: render("v5")) for _ in range(1000)))
    assert set(got) == {"state v5"}
    assert renders == ["v5"]
    # A new version renders again, once; an older one never replaces it.
    assert await states.get("stage:A", 6, lambda: render("v6")) == "state v6"
    assert await states.get("stage:A", 6, lambda: render("again")) == "state v6"
    assert await states.get("stage:A", 5, lambda: render("old")) == "state old"
    assert await states.get("stage:A", 6, lambda: render("again")) == "state v6"
    assert renders == ["v5", "v6", "old"]


async def test_without_a_version_every_connect_renders():
    states = live_state.FirstStates()
    renders = []
    for _ in range(3):
        await states.get("stage:A", None, lambda: renders.append(1) or "state")
    assert len(renders) == 3


async def test_a_failed_render_is_not_cached_and_fails_every_waiter():
    states = live_state.FirstStates()
    calls = []

    def broken():
        calls.append(1)
        raise RuntimeError("database down")

    results = await asyncio.gather(*(states.get("stage:A", 1, broken) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    assert len(calls) == 1
    assert await states.get("stage:A", 1, lambda: "fine") == "fine"


async def test_a_cached_state_is_rendered_again_after_a_while(monkeypatch):
    states = live_state.FirstStates()
    assert await states.get("stage:A", 1, lambda: "first") == "first"
    monkeypatch.setattr(live_state, "STATE_SECONDS", 0)
    assert await states.get("stage:A", 1, lambda: "second") == "second"


# Full pages' states (views, in threads): pika.live_state.PageStates.

def test_a_page_state_is_rendered_once_per_version_while_it_stays_true(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(live_state.time, "monotonic", lambda: clock[0])
    states = live_state.PageStates()
    renders = []

    def render(label, seconds=60):
        return lambda: (renders.append(label) or f"page {label}", seconds)

    v5, v6 = {"stage.1": 5, "event.2": 9}, {"stage.1": 6, "event.2": 9}
    assert [states.get("stage", v5, render(n)) for n in ("a", "b", "c")] == ["page a"] * 3
    # A new version renders again; an older one (a slow request) never replaces it.
    assert states.get("stage", v6, render("d")) == "page d"
    assert states.get("stage", v5, render("old")) == "page old"
    assert states.get("stage", v6, render("e")) == "page d"
    # It stays true for as long as the render said, STATE_SECONDS at most.
    assert states.get("stage", v6, render("f", seconds=10)) == "page d"
    clock[0] += live_state.STATE_SECONDS
    assert states.get("stage", v6, render("f", seconds=10)) == "page f"
    clock[0] += 9.9
    assert states.get("stage", v6, render("g", seconds=10)) == "page f"
    clock[0] += 0.1
    assert states.get("stage", v6, render("h", seconds=1000)) == "page h"
    clock[0] += live_state.STATE_SECONDS
    assert states.get("stage", v6, render("i")) == "page i"
    assert renders == ["a", "d", "old", "f", "h", "i"]
    # A page nobody opens again is dropped once past its time, at the next write.
    states.get("set", {"session.3": 1}, render("j"))
    clock[0] += live_state.STATE_SECONDS
    states.get("set", {"session.3": 1}, render("k"))
    assert list(states.entries) == ["set"]


def test_without_versions_every_page_renders():
    states = live_state.PageStates()
    renders = []
    for _ in range(3):
        states.get("stage", None, lambda: (renders.append(1) or "page", 60))
    assert len(renders) == 3 and states.entries == {}


def test_a_page_that_says_started_4_min_ago_is_true_until_the_minute_turns():
    from datetime import timedelta

    from django.utils import timezone

    from pika.templatetags.pika import ago, ago_changes_in

    now = timezone.now()
    for elapsed, text, changes_in in [(0, "just now", 60), (59, "just now", 1), (250, "4 min ago", 50),
                                      (-30, "just now", 90), (3700, "1 h 1 min ago", 20)]:
        moment = now - timedelta(seconds=elapsed)
        assert ago(moment) == text
        assert changes_in - 1 < ago_changes_in(moment) <= changes_in
