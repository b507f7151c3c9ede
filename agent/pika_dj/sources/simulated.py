"""A built-in set for `pika-dj simulate`: demos and trying Pika! without DJ software.

The one simulated DJ of the project: `make run`'s demo runs it too (count 0: forever).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from pika_dj.tracks import Play

# (artist, title, BPM, length in seconds): a plausible West Coast Swing set.
SET_LIST = [
    ("Ella Henderson", "Ghost (WCS Edit)", 98, 213),
    ("Sam Smith", "Stay With Me", 84, 172),
    ("Bruno Mars", "Treasure", 116, 178),
    ("Meghan Trainor", "Dear Future Husband", 79, 184),
    ("Christina Aguilera", "Hurt", 92, 243),
    ("Jessie J", "Bang Bang", 75, 199),
    ("Ed Sheeran", "Shape of You", 96, 234),
    ("Rihanna", "Love On the Brain", 86, 224),
    ("Justin Timberlake", "Can't Stop the Feeling!", 113, 236),
    ("Adele", "Rolling in the Deep", 105, 228),
    ("Lizzo", "Good as Hell", 96, 159),
    ("Michael Bublé", "Feeling Good", 90, 237),
]


class SimulatedSource:
    name = "simulation"

    def __init__(self, every: float, count: int, run_id: str, clock=time.monotonic):
        self.every = every
        self.count = count
        self.run_id = run_id
        self.clock = clock
        self.started = clock()
        self._plays: list[Play] = []

    @property
    def key(self) -> str:
        return f"simulate:{self.run_id}"

    def describe(self) -> str:
        tracks = f"{self.count} tracks" if self.count else "tracks until stopped"
        return f"a simulated set of {tracks}, one every {self.every:g} s"

    @property
    def finished(self) -> bool:
        return bool(self.count) and len(self._plays) >= self.count

    def read(self) -> list[Play]:
        due = int((self.clock() - self.started) // self.every) + 1
        if self.count:
            due = min(self.count, due)
        while len(self._plays) < due:
            number = len(self._plays)
            artist, title, bpm, seconds = SET_LIST[number % len(SET_LIST)]
            self._plays.append(
                Play(
                    source_id=f"sim-{self.run_id}-{number + 1}",
                    artist=artist,
                    title=title,
                    played_at=datetime.now(timezone.utc),
                    bpm=bpm,
                    duration_ms=seconds * 1000,
                )
            )
        return list(self._plays)
