"""A small real HTTP server speaking the Pika! token API contract, for agent tests.

It runs in a thread on a free port. Tests can make it fail on purpose (answer
503, 429, 409, refuse connections) to drive the agent's error handling.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "test-token-123"
STAGES = {"main": "Main Floor"}


class FakePika:
    def __init__(self):
        self.sessions: dict[int, dict] = {}
        self.tracks: dict[int, list[dict]] = {}
        self.requests: list[tuple[str, str, dict | None]] = []
        self.down = False  # answer 503 to everything, like a server being restarted
        # Set by tests: each pops one canned (status, body, headers) for track posts.
        self.track_failures: list[tuple[int, dict | None, dict]] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> "FakePika":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posted(self, session_id: int) -> list[tuple[str, str]]:
        with self.lock:
            return [(t["artist"], t["title"]) for t in self.tracks.get(session_id, [])]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                with fake.lock:
                    fake.requests.append(("GET", self.path, None))
                if fake.down:
                    status, answer = 503, {"detail": "Service Unavailable"}
                elif self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    status, answer = 401, {"error": {"code": "unauthorized", "message": "A valid API token is required."}}
                elif self.path.startswith("/api/v1/stages"):
                    status, answer = 200, {"stages": []}
                else:
                    status, answer = 404, {"error": {"code": "not_found", "message": "Not found."}}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                with fake.lock:
                    fake.requests.append(("POST", self.path, body))
                    status, answer, headers = fake.route(self.path, self.headers.get("Authorization"), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers.items():
                    self.send_header(name, value)
                data = json.dumps(answer).encode()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def route(self, path, authorization, body):
        if self.down:
            return 503, {"detail": "Service Unavailable"}, {}
        if authorization != f"Bearer {TOKEN}":
            return error(401, "unauthorized", "A valid API token is required.")
        if path == "/api/v1/sessions":
            stage = (body or {}).get("stage")
            if stage and stage not in STAGES:
                return error(404, "stage_not_found", "No stage has that code.", "stage")
            ended = [s for s in self.sessions.values() if s["ended_at"] is None]
            for previous in ended:  # one live set per DJ, like the real server
                previous["ended_at"] = "now"
            session_id = len(self.sessions) + 1
            session = {
                "id": session_id,
                "code": f"set{session_id}",
                "url": f"{self.url}/live/set{session_id}",
                "stage": {"code": stage, "name": STAGES[stage], "url": f"{self.url}/s/{stage}"} if stage else None,
                "ended_at": None,
            }
            self.sessions[session_id] = session
            self.tracks[session_id] = []
            return 201, {**session, "ended_session": ended[0] if ended else None}, {}
        match = re.fullmatch(r"/api/v1/sessions/(\d+)/(tracks|end)", path)
        if not match or int(match[1]) not in self.sessions:
            return error(404, "not_found", "No such session.")
        session = self.sessions[int(match[1])]
        if match[2] == "end":
            session["ended_at"] = "now"
            return 200, session, {}
        if self.track_failures:
            return self.track_failures.pop(0)
        if session["ended_at"] is not None:
            return error(409, "session_ended", "This set has ended; go live again to post tracks.")
        stored = self.tracks[session["id"]]
        for track in stored:
            if body.get("source_id") and track["source_id"] == body["source_id"]:
                return 201, track, {}
        stored.append(body)
        return 201, body, {}


def error(status, code, message, field=None):
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    return status, {"error": body}, {}
