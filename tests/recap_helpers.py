"""A scripted set with known plays, times, BPMs and likes, for exact recap numbers."""

from datetime import UTC, datetime, timedelta

from crate.models import Like
from crowd.models import TempoVote, ThankYou
from stages.models import DJSet, PlayedTrack
from tests.personas import played_set

START = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)  # 22:00 in Paris
# (title, artist, bpm, likes, (slower, perfect, faster) votes, thank-yous): Lovely is the
# peak of the night; the floor asked slower on Ghost and the next play went +24 BPM, asked
# faster on Dreams and the next went -16 BPM (two drifts); Lovely pleased everyone.
PLAYS = [
    ("Ghost", "Ella Henderson", 96, 2, (3, 1, 0), 1),
    ("Dreams", "Fleetwood Mac", 120, 0, (0, 1, 2), 0),
    ("Lovely", "Billie Eilish", 104, 3, (0, 4, 0), 2),
    ("Shivers", "Ed Sheeran", None, 1, (0, 0, 0), 0),
]


def likes(track, n, prefix="client"):
    Like.objects.bulk_create([Like(track=track, client_id=f"{prefix}-{track.pk}-{i}") for i in range(n)])


def votes(track, slower=0, perfect=0, faster=0):
    TempoVote.objects.bulk_create([
        TempoVote(track=track, choice=choice, client_id=f"voter-{track.pk}-{choice}-{i}")
        for choice, n in (("slower", slower), ("perfect", perfect), ("faster", faster)) for i in range(n)
    ])


def thanks(track, n):
    ThankYou.objects.bulk_create([ThankYou(track=track, client_id=f"thanks-{track.pk}-{i}") for i in range(n)])


def scripted_set(dj, stage=None, end=True):
    """The set of PLAYS, four minutes apart from START; ended 1 h 32 min after START."""
    dj_set, tracks = played_set(dj, titles=[title for title, *_ in PLAYS], stage=stage)
    for n, (track, (_, artist, bpm, liked, tempo, thanked)) in enumerate(zip(tracks, PLAYS)):
        PlayedTrack.objects.filter(pk=track.pk).update(artist=artist, bpm=bpm, played_at=START + timedelta(minutes=4 * n))
        likes(track, liked)
        votes(track, *tempo)
        thanks(track, thanked)
    if end:
        dj_set.end()
        DJSet.objects.filter(pk=dj_set.pk).update(started_at=START, ended_at=START + timedelta(hours=1, minutes=32))
    else:
        DJSet.objects.filter(pk=dj_set.pk).update(started_at=START)
    dj_set.refresh_from_db()
    return dj_set, [PlayedTrack.objects.get(pk=track.pk) for track in tracks]
