"""Pika!'s benchmark suite: `python -m bench` (or `make bench`).

It starts real ASGI server processes on PostgreSQL and Redis (its own database,
`pika_bench`, and its own Redis key and channel prefix) and measures what the issue
asks: fan-out latency to thousands of WebSocket listeners, the live pages' server time
and size, the track POST, and push delivery. Not part of the test run; results go to
docs/benchmarks.md with `--write`.
"""
