"""The follow-and-post loop: read the DJ software's history, queue new plays, send them."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from pika_dj.client import Offline, PikaClient, RateLimited, Rejected
from pika_dj.hashing import file_hash
from pika_dj.queue import PlayQueue
from pika_dj.sources import Source, SourceError
from pika_dj.tracks import Play, count

# Offline retries back off up to this; a venue's wifi is usually back within seconds.
MAX_RETRY_DELAY = 5.0
# When going live, the newest play counts as "playing now" for its length, or this long.
ASSUMED_LENGTH = timedelta(minutes=10)


def still_playing(play: Play, now: datetime) -> bool:
    if play.played_at is None:
        return False
    length = timedelta(milliseconds=play.duration_ms) if play.duration_ms else ASSUMED_LENGTH
    return play.played_at + length > now


def track_line(payload: dict) -> str:
    played_at = payload.get("played_at")
    clock = datetime.fromisoformat(played_at).astimezone().strftime("%H:%M") if played_at else "--:--"
    return f"{clock}  {payload['artist']} — {payload['title']}"


class Agent:
    def __init__(
        self,
        client: PikaClient,
        source: Source,
        queue: PlayQueue,
        session_id: int,
        say: Callable[[str], None],
        *,
        poll: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.client = client
        self.source = source
        self.queue = queue
        self.session_id = session_id
        self.say = say
        self.poll = poll
        self.clock = clock
        self.failures = 0
        self.retry_at = 0.0
        self.offline_shown: int | None = None  # tracks queued when "offline" was last shown
        self.source_problem: str | None = None

    def run(self, until: Callable[[], bool] = lambda: False) -> None:
        # A source that hears about plays as they happen (Traktor's broadcast) wakes the loop at once.
        wait = getattr(self.source, "wait", time.sleep)
        while True:
            self.step()
            if until():
                return
            wait(self.poll)

    def step(self) -> None:
        """One poll: pick up new plays, then send what is queued (unless backing off)."""
        self.collect()
        if self.clock() >= self.retry_at:
            self.flush()

    def collect(self) -> None:
        for notice in getattr(self.source, "notices", list)():
            self.say(notice)
        try:
            plays = self.source.read()
        except SourceError as error:
            if str(error) != self.source_problem:
                self.say(f"cannot read {self.source.name} right now: {error}; trying again")
                self.source_problem = str(error)
            return
        if self.source_problem:
            self.say(f"reading {self.source.name} again")
            self.source_problem = None

        if not self.queue.has_baseline(self.source.key):
            self._baseline(plays)
        for play in plays:
            if not self.queue.is_known(play.source_id):
                self.queue.enqueue(play.payload(file_hash(play.path)))

    def _baseline(self, plays: list[Play]) -> None:
        """Plays already in the history belong to earlier sets, except the one playing now."""
        now_playing = plays[-1] if plays and still_playing(plays[-1], datetime.now(timezone.utc)) else None
        earlier = [play.source_id for play in plays if play is not now_playing]
        self.queue.set_baseline(self.source.key, earlier)
        if earlier:
            self.say(f"skipping what was played before this set ({count(len(earlier), 'play')} in the history)")

    def flush(self) -> None:
        """Send queued plays in order; stop at the first one that cannot be sent now.

        SessionGone and Unauthorized are left to the caller: the set cannot go on.
        """
        for item in self.queue.pending():
            try:
                self._post(item.payload)
            except Offline as error:
                self._offline(str(error))
                return
            except RateLimited as error:
                self.retry_at = self.clock() + error.retry_after
                self.say(f"the server asks to slow down; retrying in {error.retry_after:g} s")
                return
            except Rejected as error:
                self.queue.mark_rejected(item.seq)
                self.say(f"skipped {track_line(item.payload)}: the server refused it ({error.reason})")
                continue
            self.queue.mark_sent(item.seq)
            self.say(track_line(item.payload))
        if self.offline_shown is not None:
            self.say("back online — every queued track is sent")
        self.failures, self.offline_shown = 0, None

    def _post(self, payload: dict) -> None:
        try:
            self.client.post_track(self.session_id, payload)
        except Rejected as error:
            if error.field != "played_at" or "played_at" not in payload:
                raise
            # The server refuses times in its future: this laptop's clock is ahead.
            self.say("this laptop's clock is ahead of the server's; the server's time is used instead")
            self.client.post_track(self.session_id, {k: v for k, v in payload.items() if k != "played_at"})

    def _offline(self, reason: str) -> None:
        self.failures += 1
        delay = min(MAX_RETRY_DELAY, self.poll * 2 ** (self.failures - 1))
        self.retry_at = self.clock() + delay
        queued = self.queue.pending_count()
        if queued != self.offline_shown:
            self.say(f"offline — {count(queued, 'track')} queued ({reason}); retrying by itself")
            self.offline_shown = queued
