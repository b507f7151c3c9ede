"""The lobby (/live): who is live now where anyone may listen, the community's most-liked
tracks this month and the latest recaps. Public means a room of a published event, or a
Quick Start set its DJ listed when going live; every other set stays out."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from crate.models import Like
from events.models import Event
from pika import listeners
from pika.live import set_group, stage_group
from stages.models import DJSet, PlayedTrack

TOP_TRACKS = 10
RECENT_RECAPS = 8


def public_sets():
    return DJSet.objects.filter(
        Q(stage__event__status=Event.Status.PUBLISHED) | Q(stage__isnull=True, lobby_listing__isnull=False)
    )


def live_now(with_listeners=True):
    """[{"dj_set", "stage", "event", "track", "listeners", "url"}], newest set first: two
    queries however many are live, and two cache reads for all their listener counts
    (none without them). A room lists the set it shows (its newest one)."""
    newest_on_stage = DJSet.objects.filter(stage=OuterRef("stage")).order_by("-started_at").values("pk")[:1]
    newest_track = PlayedTrack.objects.filter(dj_set=OuterRef("pk")).order_by("-played_at", "-pk").values("pk")[:1]
    sets = [
        dj_set for dj_set in public_sets().live().select_related("stage__event")
        .annotate(current_track_id=Subquery(newest_track), newest_on_stage=Subquery(newest_on_stage))
        .order_by("-started_at", "-pk")
        if dj_set.stage_id is None or dj_set.newest_on_stage == dj_set.pk
    ]
    tracks = PlayedTrack.objects.in_bulk([s.current_track_id for s in sets if s.current_track_id])
    # A room's audience is its page's and the set's own page's (stages.live.audience).
    pages = [[set_group(s.pk)] + ([stage_group(s.stage_id)] if s.stage_id else []) for s in sets]
    counts = listeners.totals(pages) if with_listeners else [None] * len(sets)
    entries = []
    for dj_set, count in zip(sets, counts):
        stage = dj_set.stage
        entries.append({
            "dj_set": dj_set, "stage": stage, "event": stage.event if stage else None,
            "track": tracks.get(dj_set.current_track_id),
            "listeners": count,
            # A room's page follows the room through DJ changes; a Quick Start set has its own.
            "url": stage.get_absolute_url() if stage else dj_set.get_absolute_url(),
        })
    return entries


def month_start(now=None):
    return timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def most_liked_this_month(now=None, limit=TOP_TRACKS):
    """[{"artist", "title", "likes"}]: likes since the 1st of this month on public sets'
    tracks, the same song in several sets counted together."""
    return list(
        Like.objects.filter(created_at__gte=month_start(now), track__dj_set__in=public_sets())
        .values("track__artist", "track__title")
        .annotate(likes=Count("pk"))
        .order_by("-likes", "track__artist", "track__title")[:limit]
    )


def recent_recaps(limit=RECENT_RECAPS):
    return list(
        public_sets().ended().select_related("stage__event").annotate(track_count=Count("tracks"))
        .filter(track_count__gt=0).order_by("-ended_at", "-pk")[:limit]
    )


def is_public(dj_set):
    """Whether this set may show in the lobby (one query at most)."""
    if dj_set.stage_id:
        return dj_set.stage.event.is_visible_publicly()
    return DJSet.objects.filter(pk=dj_set.pk, lobby_listing__isnull=False).exists()
