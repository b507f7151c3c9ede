"""Measure the moat: how much of what a DJ plays the crowd has already matched.

Simulates DJs joining one after another, each with a crate drawn from a shared core
repertoire (popular tracks more often) plus personal tracks, their own files (a file hash
is shared only when two DJs bought the same release file), ISRCs on some files and the
title noise DJ software produces. Each DJ plays a set through the real matching code,
then verifies every track. Prints, per DJ joining, the share of played tracks matched
automatically. Seeded: the same arguments print the same numbers. Runs in a transaction
that is rolled back, so the database is left as it was.
"""

import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from crate import verification
from crate.models import Track
from stages.models import DJSet

NOISE = [
    lambda t, r: t,
    lambda t, r: t.upper(),
    lambda t, r: t.lower(),
    lambda t, r: f"{t} (Radio Edit)",
    lambda t, r: f"{t} - Original Mix",
    lambda t, r: f"{t} (feat. {r.choice(['Kiana', 'JP', 'Sam', 'Léa'])})",
    lambda t, r: f"{t} (Remastered {r.randint(2005, 2024)})",
    lambda t, r: f"{t}!",
    lambda t, r: t.replace("e", "é", 1),
    # Noise no rule can undo: the DJ's own edit, a typo.
    lambda t, r: f"{t} (WCS Edit)",
    lambda t, r: t[:-1] if len(t) > 4 else t,
]
WORDS = ("love", "night", "slow", "groove", "fire", "blue", "home", "rain", "gold", "dance", "heart", "light",
         "river", "sugar", "echo", "velvet", "shadow", "honey", "city", "dream")


class AbortSimulation(Exception):
    pass


def recording(rng, n):
    title = " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 3))) + f" {n}"
    artist = f"{rng.choice(WORDS).title()} {rng.choice(['Band', 'Collective', 'Sisters', 'Project', 'Duo'])} {n % 97}"
    isrc = f"QZ{'ABCDEFGHIJ'[n % 10]}{n % 10}{(n // 10) % 10}{n:07d}"[:12]
    return {"n": n, "artist": artist, "title": title, "isrc": isrc}


def simulate(djs=20, core=120, personal=40, crate_size=100, set_length=40, seed=1, isrc_share=0.3, shared_file=0.25):
    """[(dj number, tracks played, auto-matched)] for each DJ joining, in order."""
    rng = random.Random(seed)
    core_tracks = [recording(rng, n) for n in range(core)]
    # Popularity: the first core tracks are the floor fillers everyone has.
    weights = [1 / (1 + i) ** 0.8 for i in range(core)]
    release_files = {rec["n"]: f"release-{seed}-{rec['n']}" for rec in core_tracks}
    identities = {}
    results = []
    for number in range(1, djs + 1):
        dj = User.objects.create_user(email=f"moat-{seed}-{number}@simulation.invalid", password=None,
                                      display_name=f"Sim DJ {number}")
        crate = {}
        while len(crate) < crate_size - personal:
            rec = rng.choices(core_tracks, weights)[0]
            crate[rec["n"]] = rec
        for p in range(personal):
            rec = recording(rng, 100000 * number + p)
            crate[rec["n"]] = rec
        files = {}
        for n, rec in crate.items():
            files[n] = {
                "file_hash": release_files.get(n) if rng.random() < shared_file and n in release_files
                else f"file-{seed}-{number}-{n}",
                "isrc": rec["isrc"] if rng.random() < isrc_share else "",
                "artist": rec["artist"],
                "title": rng.choice(NOISE)(rec["title"], rng),
            }
        dj_set, _ = DJSet.objects.go_live(dj, dj.display_name)
        played = rng.sample(sorted(crate), set_length)
        auto = 0
        for n in played:
            track, _ = dj_set.add_track(artist=files[n]["artist"], title=files[n]["title"],
                                        file_hash=files[n]["file_hash"])
            link = verification.auto_match(track, files[n]["isrc"])
            if link.identity_id is not None:
                auto += 1
                assert link.identity_id == identities[n].pk, "the simulation found a wrong match"
            else:
                rec = crate[n]
                if n not in identities:
                    identities[n] = Track.objects.create(artist=rec["artist"], title=rec["title"], isrc=rec["isrc"])
                verification.confirm(dj, track, identities[n])
        dj_set.end()
        results.append((number, set_length, auto))
    return results


class Command(BaseCommand):
    help = "Simulate DJs joining and print the share of played tracks matched automatically (seeded)."

    def add_arguments(self, parser):
        parser.add_argument("--djs", type=int, default=20)
        parser.add_argument("--core", type=int, default=120, help="tracks in the shared core repertoire")
        parser.add_argument("--personal", type=int, default=40, help="tracks only one DJ has, per DJ")
        parser.add_argument("--crate", type=int, default=100, help="tracks in each DJ's crate")
        parser.add_argument("--set-length", type=int, default=40)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        results = []
        try:
            with transaction.atomic():
                results = simulate(options["djs"], options["core"], options["personal"], options["crate"],
                                   options["set_length"], options["seed"])
                raise AbortSimulation  # leave the database as it was
        except AbortSimulation:
            pass
        self.stdout.write(
            f"Moat simulation: {options['djs']} DJs, core {options['core']}, personal {options['personal']}, "
            f"crate {options['crate']}, sets of {options['set_length']}, seed {options['seed']}"
        )
        self.stdout.write("DJ joining | played | matched automatically")
        for number, played, auto in results:
            self.stdout.write(f"{number:>10} | {played:>6} | {auto:>3} ({100 * auto / played:.0f}%)")
        total_played = sum(p for _, p, _ in results)
        total_auto = sum(a for _, _, a in results)
        self.stdout.write(f"All DJs: {total_auto} of {total_played} matched automatically "
                          f"({100 * total_auto / max(total_played, 1):.0f}%)")
