import contextlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pika.live import touch
from pika.codes import PublicCode
from pika.deferred import after_response
from stages import live
from stages.signals import set_started
from stages.timezones import shown_tz

TEXT_LIMIT = 500


class Stage(PublicCode):
    """A room at an event. Its code (and QR) outlives every DJ set played there."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "pk"]

    def __str__(self):
        return f"{self.name} — {self.event}"

    def save(self, *args, **kwargs):
        created = self._state.adding
        super().save(*args, **kwargs)
        if not created:
            # Renamed or moved: every open page of the event shows this room's card.
            transaction.on_commit(lambda: live.broadcast_stage(self.pk), robust=True)

    def delete(self, *args, **kwargs):
        group = live.event_group(self.event_id)
        transaction.on_commit(lambda: touch(group), robust=True)
        return super().delete(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("stages:stage", args=[self.code])

    def current_set(self):
        """The set this stage shows: the most recent one to go live here, while it lasts.

        When it ends the stage waits for the next DJ, even if an older set is still live.
        """
        latest = self.dj_sets.select_related("stage__event").order_by("-started_at").first()
        return latest if latest is not None and latest.is_live else None


class DJSetQuerySet(models.QuerySet):
    def live(self):
        return self.filter(ended_at__isnull=True)

    def ended(self):
        return self.filter(ended_at__isnull=False)

    def idle_since(self, moment):
        """Live sets with no track (and no start) after `moment`."""
        return self.live().filter(started_at__lt=moment).exclude(tracks__created_at__gte=moment)

    def go_live(self, dj, dj_name="", stage=None):
        """Start a set for `dj`. A DJ has one live set at most: any other one ends.

        Returns (dj_set, ended_sets).
        """
        try:
            return self.go_live_once(dj, dj_name, stage)
        except IntegrityError:
            # Two go-lives at once: the database let one through (one_live_set_per_dj).
            # Going live again now ends that one, as a second tap should.
            return self.go_live_once(dj, dj_name, stage)

    def go_live_once(self, dj, dj_name, stage):
        """One attempt at go_live, in one transaction (may lose a race: IntegrityError)."""
        with transaction.atomic():
            ended = list(self.live().filter(dj=dj).select_for_update())
            for previous in ended:
                previous.end()
            dj_set = self.create(
                dj=dj, dj_name=(dj_name or dj.public_name)[:80], stage=stage
            )
            transaction.on_commit(lambda: live.broadcast_go_live(dj_set.pk), robust=True)
            if stage is not None:
                transaction.on_commit(
                    lambda: set_started.send(sender=DJSet, dj_set_id=dj_set.pk), robust=True
                )
        return dj_set, ended


# DJ software may write its history after the set ended (Traktor stores it when it
# closes): such tracks still belong to the set for this long after its end.
LATE_HISTORY = timedelta(hours=1)


class DJSet(PublicCode):
    """One DJ set, live from "Go Live" until "End set"."""

    dj = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dj_sets"
    )
    dj_name = models.CharField(max_length=80)
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="dj_sets"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = DJSetQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["stage", "ended_at", "-started_at"])]
        constraints = [
            # A DJ plays one set at a time; the database holds that even for two taps at once.
            models.UniqueConstraint(
                fields=["dj"], condition=models.Q(ended_at__isnull=True), name="one_live_set_per_dj"
            ),
        ]

    def __str__(self):
        return f"{self.dj_name} ({self.code})"

    def get_absolute_url(self):
        return reverse("stages:set", args=[self.code])

    @property
    def is_live(self):
        return self.ended_at is None

    @property
    def event(self):
        """The event this set is played at, or None for a Quick Start set."""
        return self.stage.event if self.stage_id else None

    @property
    def tz(self):
        return shown_tz(self.event)

    def later_sets_on_stage(self):
        """The sets started on this set's stage after it: any of them took the stage over."""
        return DJSet.objects.filter(stage_id=self.stage_id, started_at__gt=self.started_at)

    def drives_stage(self):
        """Whether this set is (or, once ended, was last) the one its stage shows."""
        if self.stage_id is None:
            return False
        return not self.later_sets_on_stage().exists()

    def tracks_newest_first(self):
        return self.tracks.order_by("-played_at", "-pk")

    def current_track(self):
        return self.tracks_newest_first().first() if self.is_live else None

    def takes_track(self, played_at=None, source_id=""):
        """Whether a track may be added now: any while the set is live; once it ended, one
        played during it that arrives within LATE_HISTORY of the end (or a retry of one stored)."""
        if self.is_live:
            return True
        if source_id and self.tracks.filter(source_id=source_id).exists():
            return True
        return (
            played_at is not None
            and self.started_at <= played_at <= self.ended_at
            and timezone.now() <= self.ended_at + LATE_HISTORY
        )

    def add_track(self, *, artist, title, played_at=None, source_id="", **details):
        """Store a played track and tell every open page. Returns (track, created).

        The same `source_id` twice stores one track: agents retry after network errors.
        """
        if source_id:
            existing = self.tracks.filter(source_id=source_id).first()
            if existing is not None:
                return existing, False
        # One INSERT, a transaction by itself: a set's tracks say when it was last active
        # (`idle_since`), so no second write goes with it, and the DJ's agent waits for one
        # round trip instead of four (BEGIN, the insert, the set's activity, COMMIT). Inside
        # a caller's transaction, a savepoint keeps a duplicate's error from breaking it.
        in_transaction = transaction.get_connection().in_atomic_block
        try:
            with transaction.atomic() if in_transaction else contextlib.nullcontext():
                track = PlayedTrack.objects.create(
                    dj_set=self,
                    artist=artist,
                    title=title,
                    played_at=played_at or timezone.now(),
                    source_id=source_id,
                    **details,
                )
                # Answered first, then broadcast (pika/deferred.py): the DJ's agent waits for
                # the answer, not for the phones.
                transaction.on_commit(lambda: after_response(live.broadcast_track, self, track.pk), robust=True)
        except IntegrityError:
            # A retry raced the first attempt: the first one stored it.
            return self.tracks.get(source_id=source_id), False
        return track, True

    def end(self):
        """End the set (idempotent) and tell every open page."""
        if self.ended_at is not None:
            return False
        self.ended_at = timezone.now()
        self.save(update_fields=["ended_at"])
        transaction.on_commit(lambda: live.broadcast_set(self.pk), robust=True)
        return True

    @classmethod
    def end_idle(cls, idle_for=None):
        """End every live set without a track for `idle_for`; returns how many."""
        idle_for = idle_for or timedelta(hours=settings.PIKA_IDLE_SESSION_HOURS)
        ended = 0
        for dj_set in cls.objects.idle_since(timezone.now() - idle_for):
            ended += dj_set.end()
        return ended


class PlayedTrack(models.Model):
    """A song as it was played in one set."""

    dj_set = models.ForeignKey(DJSet, on_delete=models.CASCADE, related_name="tracks")
    artist = models.CharField(max_length=TEXT_LIMIT)
    title = models.CharField(max_length=TEXT_LIMIT)
    album = models.CharField(max_length=TEXT_LIMIT, blank=True)
    played_at = models.DateTimeField(default=timezone.now)
    bpm = models.FloatField(null=True, blank=True)
    key = models.CharField(max_length=16, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    file_hash = models.CharField(max_length=128, blank=True)
    source_id = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-played_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dj_set", "source_id"],
                condition=~Q(source_id=""),
                name="one_track_per_source_id",
            )
        ]
        indexes = [models.Index(fields=["dj_set", "-played_at"])]

    def __str__(self):
        return f"{self.artist} — {self.title}"

