"""`make test` runs on two workers (pytest-xdist) that share one Redis: each keeps its own
channel groups and cache keys (pika/settings.py)."""

from pika import settings as pika_settings


def test_a_parallel_worker_gets_its_own_prefix_and_a_serial_run_keeps_the_one_given(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert pika_settings.per_test_worker("pika-test-17") == "pika-test-17-gw1"
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert pika_settings.per_test_worker("pika-test-17") == "pika-test-17"
