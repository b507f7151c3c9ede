"""The live state's versions and the per-process first-state cache (pika/live_state.py)."""

import asyncio

from pika import live_state


def test_a_version_only_goes_up_even_when_the_cache_forgets_it(settings):
    scope = live_state.event_scope(12345)
    first = live_state.current(scope)
    assert live_state.current(scope) == first
    assert live_state.bump(scope) == first + 1
    assert live_state.current(scope) == first + 1
    # A Redis restart loses the key: the next number still beats every earlier one.
    live_state._cache().delete(live_state._key(scope))
    assert live_state.current(scope) > first + 1


def test_a_garbage_version_counts_as_none():
    assert live_state.parse_version(b"v=42") == 42
    assert live_state.parse_version(b"dj=1&v=7") == 7
    for garbage in [b"", b"v=", b"v=abc", b"v=-3", b"v=1e9", b"v=" + b"9" * 40, b"v=%00", b"x=1"]:
        assert live_state.parse_version(garbage) is None, garbage


def test_markers():
    assert live_state.state_marker(9) == "<!--state:9-->"
    assert live_state.change_marker(9) == "<!--v:9-->"
    assert live_state.state_marker(None) == live_state.change_marker(None) == ""


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
