"""Traktor's Broadcasting, received on this laptop: Traktor's live source.

Traktor stores its History NML only when it closes, so it cannot say what is
playing during a set. Its Broadcasting feature can: pointed at an Icecast
server, it streams the room's audio as Ogg Vorbis and starts each track with a
Vorbis comment header carrying the track's ARTIST and TITLE. The agent is that
server: an Icecast-compatible endpoint on 127.0.0.1 that accepts the source
connection (`SOURCE` as Traktor and older clients send it, `PUT` as newer ones
do), reads the comment headers with `traktor-nowplaying`'s Ogg reader, and
drops the audio.
"""

from __future__ import annotations

import html
import threading
from datetime import datetime, timezone
from http.server import ThreadingHTTPServer

from pika_dj.sources import SourceError

DEFAULT_PORT = 8000  # Traktor's own default for an Icecast server
MOUNT = "/pika"


class BroadcastReceiver:
    def __init__(self, port: int = DEFAULT_PORT, host: str = "127.0.0.1"):
        self._lock = threading.Lock()
        self._received: list[tuple[datetime, dict]] = []
        self._notices: list[str] = []
        self.changed = threading.Event()
        try:
            self.server = ThreadingHTTPServer((host, port), self._handler())
        except OSError as error:
            raise SourceError(
                f"cannot listen for Traktor's broadcast on {host}:{port} ({error.strerror or error}); "
                "another program uses that port: pass --broadcast-port with another one"
            ) from None
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.2,), daemon=True)

    @property
    def host(self) -> str:
        return self.server.server_address[0]

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> "BroadcastReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take(self) -> list[tuple[datetime, dict]]:
        """Track metadata received since the last call: (when it arrived, fields)."""
        with self._lock:
            received, self._received = self._received, []
        return received

    def notices(self) -> list[str]:
        with self._lock:
            notices, self._notices = self._notices, []
        return notices

    def _note(self, message: str) -> None:
        with self._lock:
            self._notices.append(message)
        self.changed.set()

    def _metadata(self, fields: list[tuple[str, str]]) -> None:
        info = {name: html.unescape(value).strip() for name, value in fields}
        if not (info.get("artist") or info.get("title")):
            return  # Traktor streams before any deck plays: nothing to show yet
        with self._lock:
            self._received.append((datetime.now(timezone.utc), info))
        self.changed.set()

    def _handler(self):
        # Imported here: only `--traktor` needs it, and `pika-dj --help` stays fast.
        from traktor_nowplaying.core import create_request_handler

        receiver = self
        base = create_request_handler(callbacks=[self._metadata])

        class Handler(base):
            def do_SOURCE(self):
                if self.headers.get("Content-Length") == "0":
                    # libshout first asks what the server speaks, with an empty body.
                    self.send_response(200)
                    self.end_headers()
                    return
                receiver._note("Traktor's broadcast is connected: each track is posted as it starts")
                try:
                    super().do_SOURCE()
                except Exception as error:  # noqa: BLE001 - a bad stream ends this connection only
                    if "ogg" in str(error).lower():  # traktor-nowplaying's "Not a valid ogg file!"
                        receiver._note("Traktor's broadcast is not Ogg Vorbis: choose Ogg Vorbis in its settings")
                        return
                receiver._note("Traktor's broadcast stopped (Broadcasting off, or Traktor closed)")

            do_PUT = do_SOURCE

            def do_GET(self):
                # A listener (or a curious browser) gets a plain answer, never the stream.
                body = b"pika-dj receives Traktor's broadcast here; there is nothing to listen to.\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
