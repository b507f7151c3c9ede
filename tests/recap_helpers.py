"""A scripted set with known plays, times, BPMs and likes, for exact recap numbers."""

from datetime import UTC, datetime, timedelta

from crate.models import Like
from stages.models import DJSet, PlayedTrack
from tests.personas import played_set

START = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)  # 22:00 in Paris
# (title, artist, bpm, likes): Lovely is the peak of the night.
PLAYS = [
    ("Ghost", "Ella Henderson", 96, 2),
    ("Dreams", "Fleetwood Mac", 120, 0),
    ("Lovely", "Billie Eilish", 104, 3),
    ("Shivers", "Ed Sheeran", None, 1),
]


def likes(track, n, prefix="client"):
    Like.objects.bulk_create([Like(track=track, client_id=f"{prefix}-{track.pk}-{i}") for i in range(n)])


def scripted_set(dj, stage=None, end=True):
    """The set of PLAYS, four minutes apart from START; ended 1 h 32 min after START."""
    dj_set, tracks = played_set(dj, titles=[title for title, *_ in PLAYS], stage=stage)
    for n, (track, (_, artist, bpm, liked)) in enumerate(zip(tracks, PLAYS)):
        PlayedTrack.objects.filter(pk=track.pk).update(artist=artist, bpm=bpm, played_at=START + timedelta(minutes=4 * n))
        likes(track, liked)
    if end:
        dj_set.end()
        DJSet.objects.filter(pk=dj_set.pk).update(started_at=START, ended_at=START + timedelta(hours=1, minutes=32))
    else:
        DJSet.objects.filter(pk=dj_set.pk).update(started_at=START)
    dj_set.refresh_from_db()
    return dj_set, [PlayedTrack.objects.get(pk=track.pk) for track in tracks]
