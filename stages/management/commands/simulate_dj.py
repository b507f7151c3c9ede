import random
import time

import httpx
from django.core.management.base import BaseCommand, CommandError

# Songs WCS dancers actually hear: enough for a demo night without repeats for a while.
DEMO_TRACKS = [
    ("Ella Henderson", "Ghost (WCS Edit)", 97), ("Bruno Mars", "Leave the Door Open", 74),
    ("Dua Lipa", "Levitating", 103), ("Sam Smith", "Stay With Me", 84),
    ("Lizzo", "Juice", 120), ("H.E.R.", "Best Part", 75), ("Jessie Ware", "Say You Love Me", 88),
    ("John Legend", "Ordinary People", 80), ("Amy Winehouse", "Valerie", 104),
    ("Michael Kiwanuka", "Cold Little Heart", 96), ("Adele", "Rolling in the Deep", 105),
    ("Leon Bridges", "Coming Home", 82), ("Christina Aguilera", "Candyman", 88),
    ("Sade", "Smooth Operator", 96), ("Jamie Lidell", "Another Day", 92),
    ("Corinne Bailey Rae", "Put Your Records On", 98), ("Zedd & Maren Morris", "The Middle", 107),
    ("Emeli Sandé", "Next to Me", 96), ("Alicia Keys", "Fallin'", 70), ("Billie Eilish", "Bad Guy", 135),
]


class Command(BaseCommand):
    help = "A pretend DJ for demos: goes live through the token API and posts a track every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--server", default="http://127.0.0.1:8000")
        parser.add_argument("--token", required=True)
        parser.add_argument("--stage", default=None, help="Stage code (Event Mode); Quick Start without it.")
        parser.add_argument("--dj-name", default="DJ Demo")
        parser.add_argument("--every", type=float, default=30.0, help="Seconds between tracks.")
        parser.add_argument("--count", type=int, default=0, help="Stop after this many tracks (0: forever).")

    def handle(self, *args, server, token, stage, dj_name, every, count, **options):
        client = httpx.Client(base_url=server.rstrip("/") + "/api/v1",
                              headers={"Authorization": f"Bearer {token}"}, timeout=10)
        dj_set = self._go_live(client, dj_name, stage)
        self.stdout.write(f"Live: {dj_set['url']}")
        tracks = DEMO_TRACKS[:]
        random.shuffle(tracks)
        played = 0
        while not count or played < count:
            artist, title, bpm = tracks[played % len(tracks)]
            try:
                response = client.post(f"/sessions/{dj_set['id']}/tracks",
                                       json={"artist": artist, "title": title, "bpm": bpm})
                if response.status_code == 409:
                    dj_set = self._go_live(client, dj_name, stage)
                    continue
                response.raise_for_status()
                self.stdout.write(f"Playing: {artist} — {title}")
                played += 1
            except httpx.HTTPError as error:
                self.stderr.write(f"Could not post a track ({error}); retrying.")
            if not count or played < count:
                time.sleep(every)

    def _go_live(self, client, dj_name, stage):
        body = {"dj_name": dj_name} | ({"stage": stage} if stage else {})
        for _ in range(60):
            try:
                response = client.post("/sessions", json=body)
            except httpx.HTTPError:
                time.sleep(1)  # the server may still be starting
                continue
            if response.status_code != 201:
                raise CommandError(f"Could not go live: {response.status_code} {response.text}")
            return response.json()
        raise CommandError("The server did not answer for a minute.")
