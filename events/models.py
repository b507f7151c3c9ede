import zoneinfo
from collections import defaultdict
from datetime import timedelta, timezone as dt_timezone

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.timezone import now
from django.utils.text import slugify

from events import live_timetable, signals, timetable
from pika import live as groups
from pika.codes import unique_code

# Paths under /organize/ that an event slug must not shadow.
RESERVED_SLUGS = {"new", "apply", "stage-row"}


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def owned_by(self, user):
        return self.filter(organizer=user)

    def current_and_upcoming(self, today):
        """Published weekends not over yet, the soonest first: what a visitor may be at."""
        return self.published().filter(ends_on__gte=today).order_by("starts_on", "name")


class Event(models.Model):
    """A dance weekend: a few nights, several stages, many DJ sets."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="events"
    )
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    starts_on = models.DateField()
    ends_on = models.DateField()
    timezone = models.CharField(max_length=64, default="UTC")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=now)

    class DjPolicy(models.TextChoices):
        VERIFIED = "verified", "Any DJ with a verified e-mail"
        LINEUP = "lineup", "Only DJs on this event's lineup"

    # Who may go live on this event's stages (and so reach its dancers' phones).
    dj_policy = models.CharField(max_length=12, choices=DjPolicy.choices, default=DjPolicy.VERIFIED)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Open pages' first states show the event (its name, its clock, whether it is
        # public): a socket connecting after this edit must not get the cached old one.
        pk = self.pk
        transaction.on_commit(lambda: groups.touch(groups.event_group(pk)), robust=True)

    def drive_refusal(self, user):
        """Why `user` may not go live on this event's stages, or None when they may.

        The organizer may always. A blocked DJ never. Otherwise the event's policy: a
        verified e-mail, or a verified e-mail the organizer put on the lineup (an invite
        made before the DJ signed up counts once they verify that address).
        """
        if not user.is_authenticated:
            return "Sign in to go live."
        if user.pk == self.organizer_id:
            return None
        if self.blocked_djs.filter(user=user).exists():
            return f"The organizer of {self.name} has blocked you from its stages."
        verified = verified_emails(user)
        if self.dj_policy == self.DjPolicy.LINEUP:
            if not verified or not self.lineup.filter(email__in=verified).exists():
                return (f"Only DJs on {self.name}'s lineup may play on its stages. Ask the organizer to add "
                        "the e-mail address you signed up with (and verify it).")
            return None
        if not verified:
            return f"Verify your e-mail address first: {self.name} lets only DJs with a verified e-mail play."
        return None


    def get_absolute_url(self):
        return reverse("events:event", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def is_visible_publicly(self):
        return self.status == self.Status.PUBLISHED

    def is_visible_to(self, user):
        """Published events are public; a draft is a preview only its organizer sees."""
        return self.is_visible_publicly() or (
            user.is_authenticated and user.pk == self.organizer_id
        )

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

    def publish(self):
        """Open the event to everyone; returns an error message instead when it can't be."""
        if not self.stages.exists():
            return "Add at least one stage before publishing: dancers scan a stage's QR code."
        self._set_status(self.Status.PUBLISHED)
        return None

    def unpublish(self):
        """Back to a draft only its organizer sees (also how an archived event comes back)."""
        self._set_status(self.Status.DRAFT)

    def archive(self):
        """The weekend is over: hidden from everyone but its organizer, no new sets."""
        self._set_status(self.Status.ARCHIVED)

    def _set_status(self, status):
        self.status = status
        self.save(update_fields=["status"])

    @property
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @classmethod
    def unique_slug(cls, name, exclude_pk=None):
        base = slugify(name)[:50].strip("-") or "event"
        slug, n = base, 2
        while slug in RESERVED_SLUGS or cls.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


# ---------------------------------------------------------------------------------------
# The DJ timetable: a draft the organizer edits, and numbered releases the public sees.
# Modelled on pretalx's schedule versions: a slot keeps one identity across releases, and
# each release stores its rows (immutable) and its change log against the previous one.

# A cancelled slot stays in the calendar feeds as STATUS:CANCELLED this long, so a
# subscribed calendar learns of the cancellation instead of the event silently vanishing.
CANCELLED_KEPT_DAYS = 14
REMINDER_MINUTES = 10


def verified_emails(user):
    """The user's e-mail addresses that have been confirmed (allauth), lower-cased."""
    from allauth.account.models import EmailAddress

    return {email.lower() for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


class LineupEntry(models.Model):
    """A DJ the organizer invited to play, by e-mail: works before they even sign up."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="lineup")
    email = models.EmailField()
    created_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="one_lineup_entry_per_email")]

    def __str__(self):
        return f"{self.email} @ {self.event}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class BlockedDJ(models.Model):
    """A DJ the organizer removed from the event's stages: no go-live, whatever the policy."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="blocked_djs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_block_per_event_dj")]


class SlotQuerySet(models.QuerySet):
    def in_draft(self):
        return self.filter(removed_at__isnull=True)

    def in_order(self):
        return self.order_by("starts_at", "stage__position", "pk")

    def on_night(self, event, day):
        start, end = timetable.night_bounds(day, event.tzinfo)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def copy_night(self, event, source, target):
        """Copy the draft's slots of one night to another, at the same wall-clock times
        (so a DST change between the nights keeps 22:00 at 22:00). Returns how many."""
        tz, shift = event.tzinfo, target - source
        copies = []
        for slot in self.filter(event=event).in_draft().on_night(event, source):
            starts = (slot.starts_at.astimezone(tz).replace(tzinfo=None) + shift).replace(tzinfo=tz)
            ends = (slot.ends_at.astimezone(tz).replace(tzinfo=None) + shift).replace(tzinfo=tz)
            copies.append(Slot(
                event=event, stage_id=slot.stage_id, dj_id=slot.dj_id, dj_name=slot.dj_name, title=slot.title,
                starts_at=starts.astimezone(dt_timezone.utc), ends_at=ends.astimezone(dt_timezone.utc),
            ))
        for copy in copies:
            copy.save()
        return len(copies)


class Slot(models.Model):
    """One DJ slot in the draft. Its uid is its identity in every release and calendar."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    uid = models.CharField(max_length=16, unique=True, editable=False)
    # A stage with slots cannot be removed (the event form says so): its history would go.
    stage = models.ForeignKey("stages.Stage", on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    dj = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    dj_name = models.CharField(max_length=80)
    title = models.CharField(max_length=120, blank=True)
    # Deleted from the draft; the row stays so releases, stars and calendars keep the identity.
    removed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=now)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["event", "starts_at"])]

    def __str__(self):
        return f"{self.dj_name} · {self.stage.name}"

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = unique_code(Slot, "uid", 12)
        super().save(*args, **kwargs)

    @property
    def slot_id(self):
        return self.pk


class NothingToPublish(Exception):
    """The draft is the same as the latest release."""


class ReleaseQuerySet(models.QuerySet):
    def latest_for(self, event):
        return self.filter(event=event, is_latest=True).first()

    def preview(self, event):
        """What publishing the draft now would do: (changes, warnings, draft rows, previous)."""
        previous = self.latest_for(event)
        old = list(previous.rows.showing().select_related("stage")) if previous else []
        draft = list(event.slots.in_draft().select_related("stage").in_order())
        return timetable.diff(old, draft), timetable.warnings(event, draft), draft, previous

    def publish(self, event, *, comment="", notify=True, by=None):
        """Freeze the draft as the next release; on commit the pages update and, when
        `notify`, the concerned DJs and dancers are told. Raises NothingToPublish."""
        try:
            with transaction.atomic():
                # One publish per event at a time (PostgreSQL); the unique number catches the rest.
                Event.objects.select_for_update().filter(pk=event.pk).first()
                changes, _, draft, previous = self.preview(event)
                if timetable.is_empty(changes):
                    raise NothingToPublish
                moment = now()
                if previous is not None:
                    self.filter(pk=previous.pk).update(is_latest=False)
                release = self.create(
                    event=event, number=(previous.number + 1) if previous else 1, comment=comment,
                    changes=changes, notify=notify, published_by=by, published_at=moment,
                )
                ReleasedSlot.objects.bulk_create(release.freeze(draft, previous, moment))
        except IntegrityError:
            # A double-clicked Publish: the other click made this release.
            raise NothingToPublish from None
        transaction.on_commit(release.announce, robust=True)
        return release


class Release(models.Model):
    """A published, frozen version of the timetable, and what changed since the last one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    comment = models.CharField(max_length=280, blank=True)
    # {"new": [...], "cancelled": [...], "moved": [...], "dj_changed": [...]}: see timetable.diff.
    changes = models.JSONField(default=dict)
    notify = models.BooleanField(default=True)
    is_latest = models.BooleanField(default=True)
    published_at = models.DateTimeField(default=now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            # A double-clicked Publish races for the same number: one release wins.
            models.UniqueConstraint(fields=["event", "number"], name="one_release_per_number"),
            models.UniqueConstraint(
                fields=["event"], condition=models.Q(is_latest=True), name="one_latest_release_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.event} · version {self.number}"

    def freeze(self, draft, previous, moment):
        """This release's rows: the draft's slots, plus recently cancelled ones kept for calendars."""
        before = {row.slot_id: row for row in previous.rows.all()} if previous else {}
        rows = []
        for slot in draft:
            old = before.pop(slot.pk, None)
            if old is None or old.cancelled:
                sequence, changed_at = (old.sequence + 1 if old else 0), moment
            else:
                moved = timetable.is_moved(old, slot)
                sequence = old.sequence + 1 if moved else old.sequence
                same = not moved and not timetable.is_dj_changed(old, slot) and old.title == slot.title
                changed_at = old.changed_at if same else moment
            rows.append(ReleasedSlot(
                release=self, slot=slot, stage=slot.stage, stage_name=slot.stage.name, starts_at=slot.starts_at,
                ends_at=slot.ends_at, dj_id=slot.dj_id, dj_name=slot.dj_name, title=slot.title,
                sequence=sequence, changed_at=changed_at,
            ))
        keep_since = moment - timedelta(days=CANCELLED_KEPT_DAYS)
        for old in before.values():
            if old.cancelled and old.changed_at < keep_since:
                continue
            rows.append(ReleasedSlot(
                release=self, slot_id=old.slot_id, stage_id=old.stage_id, stage_name=old.stage_name,
                starts_at=old.starts_at, ends_at=old.ends_at, dj_id=old.dj_id, dj_name=old.dj_name,
                title=old.title, cancelled=True,
                sequence=old.sequence if old.cancelled else old.sequence + 1,
                changed_at=old.changed_at if old.cancelled else moment,
            ))
        return rows

    def announce(self):
        """Once committed: open pages update now, people are told from the task cluster."""
        from django_q.tasks import async_task

        live_timetable.broadcast_release(self, ReleasedSlot.objects.showing_now(self.event))
        async_task("events.tasks.notify_release", self.pk)

    def notify_concerned(self):
        """Tell each concerned DJ (email, and push when subscribed) and each dancer who
        starred a changed slot (push), one message each, once per release."""
        claimed = Release.objects.filter(pk=self.pk, notify=True, notified_at__isnull=True).update(notified_at=now())
        if not claimed:
            return 0, 0
        event, tz = self.event, self.event.tzinfo
        url = reverse("events:timetable", args=[event.slug])
        djs = timetable.changes_by_dj(self.changes)
        emails = dict(get_user_model().objects.filter(pk__in=djs, is_active=True).values_list("pk", "email"))
        for dj_id, lines in djs.items():
            if dj_id not in emails:
                continue
            text = timetable.dj_lines(lines, tz)
            send_mail(
                f"{event.name}: your slots changed (timetable version {self.number})",
                f"The {event.name} timetable changed (version {self.number}).\n\n" + "\n".join(text)
                + (f"\n\nNote from the organizer: {self.comment}" if self.comment else "")
                + f"\n\nThe whole timetable: {settings.PIKA_BASE_URL}{url}\n",
                None, [emails[dj_id]],
            )
            signals.notice.send(
                sender=Release, event=event, user_ids=[dj_id], client_ids=[], title=f"{event.name}: your slots changed",
                body="; ".join(text), url=url, tag=f"timetable-{event.pk}-dj", ttl=6 * 3600,
            )
        changed = timetable.changes_by_slot(self.changes)
        dancers = defaultdict(list)
        for star in Star.objects.filter(slot_id__in=changed).order_by("slot__starts_at", "pk"):
            dancers[(star.user_id, star.client_id)].append(changed[star.slot_id])
        for (user_id, client_id), entries in dancers.items():
            signals.notice.send(
                sender=Release, event=event, user_ids=[user_id] if user_id else [],
                client_ids=[] if user_id else [client_id], title=f"{event.name}: timetable changed",
                body="; ".join(timetable.dancer_line(entry, tz) for entry in entries),
                url=url, tag=f"timetable-{event.pk}", ttl=3 * 3600,
            )
        return len(emails), len(dancers)

    def changed_slot_ids(self):
        return {entry["slot"] for kind in ("new", "moved", "dj_changed", "retitled") for entry in self.changes.get(kind, [])}


class ReleasedSlotQuerySet(models.QuerySet):
    def current(self):
        """The rows of each event's latest release: what the public sees now."""
        return self.filter(release__is_latest=True)

    def showing(self):
        return self.filter(cancelled=False)

    def with_event(self):
        """Each row with its slot and event, without its release's change log: that JSON
        is the same for every row and decoding it once per row made a 500-slot calendar
        take 2.3 s of its 2.9 s."""
        return self.select_related("slot", "release__event").defer("release__changes")

    def showing_now(self, event):
        """The event's published slots (not cancelled), in order: what now/next is read from."""
        return list(self.current().showing().filter(release__event=event).select_related("slot").in_order())

    def gigs_of(self, user, moment):
        """A DJ's published slots not over yet, across every event, soonest first."""
        return (
            self.current().showing().filter(dj=user, ends_at__gt=moment, release__event__status=Event.Status.PUBLISHED)
            .with_event().order_by("starts_at", "pk")
        )

    def boundary_events(self, since, moment):
        """Published events with a slot starting or ending in (since, moment]."""
        boundary = models.Q(starts_at__gt=since, starts_at__lte=moment) | models.Q(ends_at__gt=since, ends_at__lte=moment)
        ids = self.current().showing().filter(release__event__status=Event.Status.PUBLISHED).filter(boundary)
        return Event.objects.filter(pk__in=ids.values("release__event_id"))

    def in_order(self):
        return self.order_by("starts_at", "stage__position", "pk")


class ReleasedSlot(models.Model):
    """A slot as one release froze it. Never edited after its release is made."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="rows")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="released")
    stage = models.ForeignKey("stages.Stage", on_delete=models.SET_NULL, null=True, related_name="+")
    stage_name = models.CharField(max_length=80)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    dj = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dj_name = models.CharField(max_length=80)
    title = models.CharField(max_length=120, blank=True)
    cancelled = models.BooleanField(default=False)
    # The calendar's SEQUENCE: rises whenever the time or stage changes (or it is cancelled).
    sequence = models.PositiveIntegerField(default=0)
    # When anything about it last changed (the calendar's LAST-MODIFIED).
    changed_at = models.DateTimeField()

    objects = ReleasedSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["release", "slot"], name="one_row_per_slot_per_release")]
        indexes = [models.Index(fields=["release", "starts_at"])]

    def __str__(self):
        return f"{self.dj_name} · {self.stage_name} (v{self.release_id})"

    @property
    def label(self):
        """What a dancer calls it: the title, else the DJ."""
        return self.title or self.dj_name


class StarQuerySet(models.QuerySet):
    def of(self, request):
        """The stars of whoever sent `request`: their account's, else their browser's."""
        if request.user.is_authenticated:
            return self.filter(user=request.user)
        return self.filter(user__isnull=True, client_id=request.client_id)

    def set(self, request, slot, starred):
        owner = (
            {"user": request.user, "client_id": ""}
            if request.user.is_authenticated
            else {"user": None, "client_id": request.client_id}
        )
        if starred:
            try:
                with transaction.atomic():
                    self.get_or_create(slot=slot, **owner)
            except IntegrityError:
                pass  # a double tap raced itself; the other request stored it
        else:
            self.filter(slot=slot, **owner).delete()
        return starred

    def claim(self, client_id, user):
        """Move a browser's anonymous stars to `user` (as likes are). Returns how many."""
        if not client_id:
            return 0
        with transaction.atomic():
            anonymous = list(self.filter(user__isnull=True, client_id=client_id))
            if not anonymous:
                return 0
            self.bulk_create(
                [Star(slot_id=star.slot_id, user=user, created_at=star.created_at) for star in anonymous],
                ignore_conflicts=True,
            )
            self.filter(pk__in=[star.pk for star in anonymous]).delete()
        return len(anonymous)

    def owners(self):
        """Distinct dancers: (user ids, client ids)."""
        users = set(self.filter(user__isnull=False).values_list("user_id", flat=True))
        clients = set(self.filter(user__isnull=True).values_list("client_id", flat=True))
        return users, clients


class Star(models.Model):
    """A dancer's star on a slot: reminded before it starts, listed in their calendar feed."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="stars")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="stars"
    )
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = StarQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], condition=models.Q(user__isnull=False),
                                    name="one_star_per_slot_per_user"),
            models.UniqueConstraint(fields=["slot", "client_id"], condition=models.Q(user__isnull=True),
                                    name="one_star_per_slot_per_client"),
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(client_id=""))
                | (models.Q(user__isnull=True) & ~models.Q(client_id="")),
                name="star_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["client_id"], name="star_client_idx")]


class ReminderQuerySet(models.QuerySet):
    def send_due(self, moment=None):
        """Remind every star whose slot starts within REMINDER_MINUTES, at its current start.

        Once per (star, start): a moved slot re-arms, a cancelled slot or a removed star
        sends nothing. Returns how many were sent.
        """
        moment = moment or now()
        rows = {
            row.slot_id: row for row in ReleasedSlot.objects.current().showing()
            .filter(release__event__status=Event.Status.PUBLISHED, starts_at__gt=moment,
                    starts_at__lte=moment + timedelta(minutes=REMINDER_MINUTES))
            .with_event()
        }
        if not rows:
            return 0
        stars = list(Star.objects.filter(slot_id__in=rows).order_by("pk"))
        done = set(
            self.filter(star__in=stars, starts_at__in={row.starts_at for row in rows.values()})
            .values_list("star_id", "starts_at")
        )
        due = [star for star in stars if (star.pk, rows[star.slot_id].starts_at) not in done]
        # One tick runs at a time (a one-minute schedule); should two ever overlap, the
        # unique (star, start) constraint still keeps one record each.
        self.bulk_create(
            [Reminder(star=star, starts_at=rows[star.slot_id].starts_at, sent_at=moment) for star in due],
            ignore_conflicts=True,
        )
        by_slot = defaultdict(list)
        for star in due:
            by_slot[star.slot_id].append(star)
        for slot_id, slot_stars in by_slot.items():
            # Everybody who starred the slot hears the same words: one push message for them all.
            row = rows[slot_id]
            event = row.release.event
            minutes = max(1, round((row.starts_at - moment).total_seconds() / 60))
            signals.notice.send(
                sender=Reminder, event=event, user_ids=[star.user_id for star in slot_stars if star.user_id],
                client_ids=[star.client_id for star in slot_stars if not star.user_id],
                title=f"In {minutes} min · {row.stage_name}",
                body=f"{row.label} starts at {row.starts_at.astimezone(event.tzinfo):%H:%M} on {row.stage_name}"
                     + (f" with {row.dj_name}" if row.title else ""),
                url=reverse("events:timetable", args=[event.slug]), tag=f"reminder-{row.slot.uid}",
                ttl=REMINDER_MINUTES * 60,
            )
        return len(due)


class Reminder(models.Model):
    """A reminder sent for one star at one start time: a moved slot re-arms, once each."""

    star = models.ForeignKey(Star, on_delete=models.CASCADE, related_name="reminders")
    starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["star", "starts_at"], name="one_reminder_per_star_start")]


class CalendarFeed(models.Model):
    """A secret, revocable calendar address: an event's timetable, a dancer's stars or a DJ's gigs."""

    class Kind(models.TextChoices):
        EVENT = "event", "Event timetable"
        STARS = "stars", "Starred slots"
        DJ = "dj", "DJ gigs"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client_id"], name="feed_client_idx")]

    def save(self, *args, **kwargs):
        if not self.token:
            import secrets

            self.token = secrets.token_urlsafe(24)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:calendar-feed", args=[self.token])
