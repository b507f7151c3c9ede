"""What the floor tells the DJ: tempo votes, thank-yous and poll answers.

Each belongs to one dancer: an account, or an anonymous browser (its `pika_client`
cookie) until it signs up or in, when the claim moves it to the account (one per dancer
then holds across devices). A change is saved, then broadcast on commit (crowd/live.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils import timezone

from crowd import live
from pika.codes import PublicCode


class Refused(Exception):
    """A crowd action that may not happen (set not live, poll ended, …): nothing stored.

    `status` is the HTTP status the edges answer, `code` the API's error code."""

    def __init__(self, message, status=409, code="conflict", field=None):
        super().__init__(message)
        self.status, self.code, self.field = status, code, field


def dancer(request):
    """Who sends `request`, as model fields: their account, else their browser."""
    if request.user.is_authenticated:
        return {"user": request.user, "client_id": ""}
    client_id = getattr(request, "client_id", "")
    if not client_id:
        raise Refused("Open the page once first: this browser has no Pika! id yet.", status=403, code="forbidden")
    return {"user": None, "client_id": client_id}


def _owned_by(prefix=""):
    """The constraints every per-dancer row shares: one owner, account or browser."""
    return models.CheckConstraint(
        condition=(Q(user__isnull=False) & Q(client_id="")) | (Q(user__isnull=True) & ~Q(client_id="")),
        name=f"{prefix}_has_one_owner",
    )


def _one_per_dancer(field, prefix):
    return [
        models.UniqueConstraint(fields=[field, "user"], condition=Q(user__isnull=False), name=f"one_{prefix}_per_user"),
        models.UniqueConstraint(
            fields=[field, "client_id"], condition=Q(user__isnull=True), name=f"one_{prefix}_per_client"
        ),
        _owned_by(prefix),
    ]


class DancerRow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The anonymous dancer (the `pika_client` cookie) while the row has no account.
    client_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class DancerQuerySet(models.QuerySet):
    # The field that makes a row unique per dancer (track, poll).
    per = "track"

    def of(self, owner):
        return self.filter(**owner)

    def claim(self, client_id, user):
        """Move a browser's rows to `user`; where the account has one already, the account's
        stays and the browser's goes (one per dancer holds). Returns the set ids touched."""
        if not client_id:
            return set()
        with transaction.atomic():
            anonymous = list(self.filter(user__isnull=True, client_id=client_id).select_related(self.per))
            if not anonymous:
                return set()
            owned = set(
                self.filter(user=user, **{f"{self.per}_id__in": [getattr(row, f"{self.per}_id") for row in anonymous]})
                .values_list(f"{self.per}_id", flat=True)
            )
            moving = [row.pk for row in anonymous if getattr(row, f"{self.per}_id") not in owned]
            self.filter(pk__in=moving).update(user=user, client_id="")
            self.filter(user__isnull=True, client_id=client_id).delete()
            sets = {getattr(row, self.per).dj_set_id for row in anonymous}
        return sets


# A tempo tap that arrives this long after its song was replaced still counts for it.
TEMPO_GRACE_SECONDS = 20


class TempoQuerySet(DancerQuerySet):
    def totals_by_track(self, dj_set):
        """{played track id: {"slower": n, "perfect": n, "faster": n}} for the set's voted tracks."""
        totals = {}
        rows = self.filter(track__dj_set=dj_set).values("track_id", "choice").annotate(n=Count("pk")).order_by()
        for row in rows:
            totals.setdefault(row["track_id"], dict.fromkeys(TempoVote.CHOICES, 0))[row["choice"]] = row["n"]
        return totals

    def totals(self, track):
        found = dict.fromkeys(TempoVote.CHOICES, 0)
        if track is not None:
            rows = self.filter(track=track).values("choice").annotate(n=Count("pk")).order_by()
            found.update({row["choice"]: row["n"] for row in rows})
        return found

    def votable(self, track):
        """Whether `track` takes tempo votes now: it is playing, or it was replaced less
        than TEMPO_GRACE_SECONDS ago (a tap sent as the song changed counts for its song)."""
        if not track.dj_set.is_live:
            return False
        newest = list(track.dj_set.tracks_newest_first().values_list("pk", "created_at")[:2])
        if newest and newest[0][0] == track.pk:
            return True
        return (len(newest) == 2 and newest[1][0] == track.pk
                and newest[0][1] >= timezone.now() - timedelta(seconds=TEMPO_GRACE_SECONDS))

    def cast(self, owner, track, choice):
        """The dancer's vote on the playing track: a choice, or None to clear it (the row
        goes). Another choice changes it. Returns the dancer's choice now."""
        if choice is not None and choice not in TempoVote.CHOICES:
            raise Refused("Vote slower, perfect or faster.", status=400, code="invalid", field="vote")
        dj_set = track.dj_set
        if not dj_set.is_live:
            raise Refused("This set has ended.", code="set_ended")
        if not self.votable(track):
            raise Refused("That song is no longer playing.", code="not_current")
        mine = self.filter(track=track, **owner)
        if choice is None:
            changed = mine.delete()[0] > 0
        else:
            # One statement for a change (the common tap), an insert for a first vote.
            changed = mine.update(choice=choice, created_at=timezone.now()) > 0
            if not changed:
                try:
                    with transaction.atomic():
                        self.create(track=track, choice=choice, **owner)
                except IntegrityError:
                    # A double tap raced itself: the vote is stored once; make it this one.
                    mine.update(choice=choice)
                changed = True
        if changed:
            transaction.on_commit(lambda: live.crowd_changed(dj_set.pk, "tempo"), robust=True)
        return choice


class TempoVote(DancerRow):
    """A dancer's "slower / perfect / faster" on one played track (at most one, changeable)."""

    SLOWER, PERFECT, FASTER = "slower", "perfect", "faster"
    CHOICES = (SLOWER, PERFECT, FASTER)

    track = models.ForeignKey("stages.PlayedTrack", on_delete=models.CASCADE, related_name="tempo_votes")
    choice = models.CharField(max_length=8, choices=[(c, c.capitalize()) for c in CHOICES])

    objects = TempoQuerySet.as_manager()

    class Meta:
        constraints = _one_per_dancer("track", "tempo_vote") + [
            models.CheckConstraint(condition=Q(choice__in=["slower", "perfect", "faster"]), name="tempo_vote_choice"),
        ]

    def __str__(self):
        return f"{self.choice} on {self.track_id}"


class ThankYouQuerySet(DancerQuerySet):
    def count_by_track(self, dj_set):
        """{played track id: thank-yous} for the set's thanked tracks."""
        rows = self.filter(track__dj_set=dj_set).values("track_id").annotate(n=Count("pk")).order_by()
        return {row["track_id"]: row["n"] for row in rows}

    def send(self, owner, track):
        """One thank-you from this dancer for a track of a live set; again is a no-op.
        Returns True when this one was new."""
        dj_set = track.dj_set
        if not dj_set.is_live:
            raise Refused("This set has ended.", code="set_ended")
        try:
            with transaction.atomic():
                _, created = self.get_or_create(track=track, **owner)
        except IntegrityError:
            created = False  # a double tap raced itself: one thank-you is stored
        if created:
            transaction.on_commit(lambda: live.crowd_changed(dj_set.pk, "thanks"), robust=True)
        return created


class ThankYou(DancerRow):
    """A dancer's one-tap thank-you to the DJ for a track (at most one per track)."""

    track = models.ForeignKey("stages.PlayedTrack", on_delete=models.CASCADE, related_name="thank_yous")

    objects = ThankYouQuerySet.as_manager()

    class Meta:
        constraints = _one_per_dancer("track", "thank_you")

    def __str__(self):
        return f"thanks for {self.track_id}"


# What a poll's options may be, and how long it may run.
MIN_OPTIONS, MAX_OPTIONS = 2, 10
QUESTION_LIMIT, OPTION_LIMIT = 140, 60
DURATIONS = (60, 120, 300)  # seconds; None: open until the DJ ends it
# An ended poll's results stay on the dancers' pages this long.
RESULTS_SECONDS = 60

PRESETS = {
    "vibe": ("Vibe check: how's the floor?", ["🔥 On fire", "🙂 Good", "😴 Sleepy"]),
    "tempo": ("Tempo check", ["Slower", "Just right", "Faster"]),
    "balance": ("Leads or follows?", ["Lead", "Follow", "Both"]),
    "style": ("What next?", ["Blues", "Lyrical", "Groovy", "Pop", "Fast"]),
}


class PollQuerySet(models.QuerySet):
    def running(self):
        return self.filter(ended_at__isnull=True).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now()))

    def shown(self, dj_set):
        """The poll the set's pages show: the running one, or the last one for a short
        while after it ended (cancelled ones vanish at once)."""
        if dj_set is None:
            return None
        now = timezone.now()
        since = now - timedelta(seconds=RESULTS_SECONDS)
        poll = (
            self.filter(dj_set=dj_set, cancelled=False)
            .filter(Q(ended_at__isnull=True, ends_at__isnull=True) | Q(ended_at__gt=since)
                    | Q(ended_at__isnull=True, ends_at__gt=since))
            .order_by("-started_at", "-pk").prefetch_related("options").first()
        )
        return poll

    def start(self, dj_set, question, options, duration=None, preset=""):
        """Start a poll on a live set (the DJ's; a running one ends first). Returns it."""
        question = (question or "").strip()
        options = [o.strip() for o in options if o and o.strip()]
        if not dj_set.is_live:
            raise Refused("This set has ended: go live to run a poll.", code="set_ended")
        if not question:
            raise Refused("Ask a question.", status=400, code="invalid", field="question")
        if len(question) > QUESTION_LIMIT:
            raise Refused(f"Keep the question under {QUESTION_LIMIT} characters.", status=400, code="invalid",
                          field="question")
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            raise Refused(f"Give {MIN_OPTIONS} to {MAX_OPTIONS} options.", status=400, code="invalid", field="options")
        if any(len(o) > OPTION_LIMIT for o in options):
            raise Refused(f"Keep each option under {OPTION_LIMIT} characters.", status=400, code="invalid",
                          field="options")
        if len(set(o.casefold() for o in options)) != len(options):
            raise Refused("Each option once.", status=400, code="invalid", field="options")
        if duration is not None and duration not in DURATIONS:
            raise Refused("Run it 1, 2 or 5 minutes, or leave it open.", status=400, code="invalid", field="duration")
        now = timezone.now()
        with transaction.atomic():
            for running in self.filter(dj_set=dj_set, ended_at__isnull=True).select_for_update():
                running.ended_at = min(now, running.ends_at) if running.ends_at else now
                running.save(update_fields=["ended_at"])
            poll = self.create(
                dj_set=dj_set, question=question, preset=preset, started_at=now, duration_seconds=duration,
                ends_at=now + timedelta(seconds=duration) if duration else None,
            )
            PollOption.objects.bulk_create(
                [PollOption(poll=poll, position=i, label=label) for i, label in enumerate(options)]
            )
            transaction.on_commit(lambda: live.poll_changed(poll.pk), robust=True)
            if duration:
                transaction.on_commit(lambda: live.schedule_poll_end(poll.pk, poll.ends_at), robust=True)
        return poll


class Poll(PublicCode):
    """A DJ's question to the floor, with 2–10 options; open until it ends, is ended or cancelled."""

    dj_set = models.ForeignKey("stages.DJSet", on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=QUESTION_LIMIT)
    preset = models.CharField(max_length=16, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    # When a timed poll closes by itself; ended_at is when it closed early (or was closed).
    ends_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    objects = PollQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One poll open per set at a time, even for two taps at once.
            models.UniqueConstraint(fields=["dj_set"], condition=Q(ended_at__isnull=True), name="one_open_poll_per_set"),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return f"/live/{self.dj_set.code}/polls/{self.code}"

    @property
    def closed_at(self):
        """When it stopped taking answers, or None while it runs."""
        if self.ended_at is not None:
            return self.ended_at
        if self.ends_at is not None and self.ends_at <= timezone.now():
            return self.ends_at
        return None

    @property
    def is_open(self):
        return self.closed_at is None and self.dj_set.is_live

    def end(self, cancel=False):
        """End it now (the DJ: "end early", or "cancel", which also takes it off the
        dancers' pages). Idempotent; an ended poll may still be cancelled."""
        now = timezone.now()
        fields = []
        if self.ended_at is None:
            self.ended_at = min(now, self.ends_at) if self.ends_at else now
            fields.append("ended_at")
        if cancel and not self.cancelled:
            self.cancelled = True
            fields.append("cancelled")
        if fields:
            self.save(update_fields=fields)
            transaction.on_commit(lambda: live.poll_ended(self.pk), robust=True)
        return bool(fields)

    def tallies(self):
        """[(option, answers)] in the options' order, in one query."""
        counts = dict(self.answers.values_list("option_id").annotate(n=Count("pk")).order_by())
        return [(option, counts.get(option.pk, 0)) for option in self.options.all()]

    def answer(self, owner, position):
        """The dancer's one answer (by option position). Returns the option."""
        if not self.dj_set.is_live or self.cancelled or self.closed_at is not None:
            raise Refused("This poll has ended.", code="poll_ended")
        option = next((o for o in self.options.all() if o.position == position), None)
        if option is None:
            raise Refused("No such option.", status=400, code="invalid", field="option")
        try:
            with transaction.atomic():
                PollAnswer.objects.create(poll=self, option=option, **owner)
        except IntegrityError:
            raise Refused("You already answered this poll.", code="already_answered") from None
        transaction.on_commit(lambda: live.poll_answered(self.pk), robust=True)
        return option


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=OPTION_LIMIT)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="one_option_per_position")]

    def __str__(self):
        return self.label


class PollAnswerQuerySet(DancerQuerySet):
    per = "poll"


class PollAnswer(DancerRow):
    """A dancer's one answer to a poll (not changeable: the floor votes once)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="answers")

    objects = PollAnswerQuerySet.as_manager()

    class Meta:
        constraints = _one_per_dancer("poll", "poll_answer")

    def __str__(self):
        return f"{self.option} on {self.poll_id}"
