"""The moat simulation: seeded and reproducible, through the real matching code, leaving
the database as it was."""

from io import StringIO

from django.core.management import call_command

from accounts.models import User
from crate.models import Confirmation, Track
from stages.models import PlayedTrack

SMALL = {"djs": 6, "core": 8, "personal": 2, "crate": 10, "set_length": 10}


def run(seed):
    out = StringIO()
    call_command("measure_moat", seed=seed, stdout=out, **SMALL)
    return out.getvalue()


def test_the_same_seed_prints_the_same_numbers(db):
    first, again = run(7), run(7)
    assert first == again
    lines = first.splitlines()
    assert lines[0] == "Moat simulation: 6 DJs, core 8, personal 2, crate 10, sets of 10, seed 7"
    rows = [line.split("|") for line in lines[2:8]]
    assert [int(row[0]) for row in rows] == [1, 2, 3, 4, 5, 6]
    matched = [int(row[2].split()[0]) for row in rows]
    # Nobody is matched before three DJs have confirmed; the crowd helps the later ones.
    assert matched[:3] == [0, 0, 0]
    assert sum(matched[3:]) > 0
    assert lines[-1].startswith(f"All DJs: {sum(matched)} of 60 matched automatically")


def test_another_seed_is_another_scene(db):
    assert run(7) != run(8)


def test_the_database_is_left_as_it_was(db):
    run(7)
    assert (User.objects.count(), PlayedTrack.objects.count(), Track.objects.count(), Confirmation.objects.count()) == (0, 0, 0, 0)
