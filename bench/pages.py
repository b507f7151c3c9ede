"""(b) The live pages a QR code opens: server time and the first response's size.

Each request is a first visit (no cookies), like a phone that has just scanned the QR.
Server time is the request's round trip on localhost with a kept-alive connection, so it
includes a fraction of a millisecond of client overhead and no network.
"""

import time

import httpx

from bench.stats import summary_ms


def run(server, path, current_title, requests=300, warmup=30):
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for _ in range(warmup):
            client.cookies.clear()
            client.get(path).raise_for_status()
        durations = []
        for _ in range(requests):
            client.cookies.clear()
            started = time.perf_counter()
            response = client.get(path, headers={"Accept-Encoding": "gzip"})
            durations.append(time.perf_counter() - started)
            response.raise_for_status()
        client.cookies.clear()
        raw = client.get(path, headers={"Accept-Encoding": "identity"})
        client.cookies.clear()
        compressed = client.get(path, headers={"Accept-Encoding": "gzip"})
    headers = sum(len(k) + len(v) + 4 for k, v in compressed.headers.raw) + len("HTTP/1.1 200 OK\r\n\r\n")
    return {
        "path": path,
        "server_ms": summary_ms(durations),
        "raw_bytes": len(raw.content),
        "gzip_bytes": compressed.num_bytes_downloaded,
        "gzip_encoded": compressed.headers.get("content-encoding") == "gzip",
        "header_bytes": headers,
        "first_response_bytes": headers + compressed.num_bytes_downloaded,
        # The first response itself shows what is playing (no wait for the socket).
        "shows_track": current_title in raw.text,
    }
