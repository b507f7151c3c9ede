"""Announcements and Web Push: who asked to be told, what was said, and how delivery went.

Scoping is the point: a device subscribes to a stage (and through it the stage's event)
or to one Quick Start set, and a push only ever goes to the devices of its own scope.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from announcements import push
from pika.codes import PublicCode, unique_code
from pika.tasks import later
from stages.models import DJSet, Stage

MESSAGE_LIMIT = 280
# Devices per delivery task: several workers share a big fan-out, and one task stays
# well inside the cluster's timeout.
BATCH_SIZE = 500
# Attempts per device for a failure that may pass (5xx, 429, network); the wait before
# attempt n+1 is RETRY_BASE_SECONDS * 4**(n-1), and never past the message's TTL.
MAX_ATTEMPTS = 4
RETRY_BASE_SECONDS = 15
# A device a push service refuses (400/403) this many deliveries in a row is forgotten:
# its subscription is broken for good, and posting to it again only wastes a thread.
REFUSALS_LIMIT = 3


class Priority(models.TextChoices):
    INFO = "info", "Info"
    IMPORTANT = "important", "Important"
    URGENT = "urgent", "Urgent"


# (TTL seconds, RFC 8030 Urgency) per priority. Info may wait for the phone to be on
# power or wifi; urgent wakes it now and is worthless a quarter of an hour later.
DELIVERY = {
    Priority.INFO: (3 * 3600, "low"),
    Priority.IMPORTANT: (3600, "normal"),
    Priority.URGENT: (15 * 60, "high"),
}
# "DJ X is now live": useful while the set is young.
MUSIC_START_DELIVERY = (10 * 60, "normal")
# The same DJ back on the same stage this soon is a restart, not news.
MUSIC_START_QUIET_MINUTES = 15
# A stage's dancers hear "now live" at most this often, whoever goes live.
MUSIC_START_STAGE_MINUTES = 10


class WrongKeys(Exception):
    """A subscription names a stored device's endpoint with other keys than the device's."""


class PushDeviceQuerySet(models.QuerySet):
    def _scoped(self, **scope):
        # A subquery, not a join: each device once, however many scopes match.
        return self.filter(pk__in=PushSubscription.objects.filter(**scope).values("device_id"))

    def for_stage(self, stage):
        return self._scoped(stage=stage)

    def for_event(self, event):
        return self._scoped(stage__event=event)

    def for_set(self, dj_set):
        return self._scoped(dj_set=dj_set)

    def subscribe(self, *, endpoint, p256dh, auth, client_id="", user=None, stage=None, dj_set=None):
        """Store (or refresh) a browser's subscription and add one scope to it.

        Returns (device, created_scope). The endpoint identifies the device: subscribing
        again from another page adds a scope, never a second device.
        """
        defaults = {"p256dh": p256dh, "auth": auth, "client_id": client_id}
        if user is not None and user.is_authenticated:
            defaults["user"] = user
        with transaction.atomic():
            device, created = self.get_or_create(endpoint=endpoint, defaults=defaults)
            if not created:
                # Knowing an endpoint is not owning it: only its own keys may touch it.
                if not device.has_keys(p256dh, auth):
                    raise WrongKeys()
                self.filter(pk=device.pk).update(**defaults)
            try:
                with transaction.atomic():
                    _, created = PushSubscription.objects.get_or_create(
                        device=device, stage=stage, dj_set=dj_set
                    )
            except IntegrityError:
                # The same page subscribed twice at once; the other request stored it.
                created = False
        return device, created


class PushDevice(models.Model):
    """One browser's push subscription: where to POST, and the keys to encrypt for it."""

    endpoint = models.URLField(max_length=1024, unique=True)
    p256dh = models.CharField(max_length=128)
    auth = models.CharField(max_length=64)
    client_id = models.CharField(max_length=64, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="push_devices",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_delivered_at = models.DateTimeField(null=True, blank=True)
    refusals = models.PositiveSmallIntegerField(default=0)

    objects = PushDeviceQuerySet.as_manager()

    def __str__(self):
        return self.endpoint[:60]

    def has_keys(self, p256dh, auth):
        """The device's key proof: the browser's public key and auth secret, as stored."""
        import hmac

        return hmac.compare_digest(f"{self.p256dh}.{self.auth}", f"{p256dh}.{auth}")

    def subscription_info(self):
        """The PushSubscription JSON pywebpush expects."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushSubscription(models.Model):
    """One scope a device follows: a stage (and through it its event) or a Quick Start set."""

    device = models.ForeignKey(PushDevice, on_delete=models.CASCADE, related_name="subscriptions")
    stage = models.ForeignKey(
        "stages.Stage", on_delete=models.CASCADE, null=True, blank=True, related_name="push_subscriptions"
    )
    dj_set = models.ForeignKey(
        "stages.DJSet", on_delete=models.CASCADE, null=True, blank=True,
        related_name="push_subscriptions",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__isnull=False, dj_set__isnull=True) | Q(stage__isnull=True, dj_set__isnull=False),
                name="push_subscription_one_scope",
            ),
            models.UniqueConstraint(
                fields=["device", "stage"], condition=Q(stage__isnull=False), name="one_push_per_device_stage"
            ),
            models.UniqueConstraint(
                fields=["device", "dj_set"], condition=Q(dj_set__isnull=False), name="one_push_per_device_session"
            ),
        ]

    def __str__(self):
        return f"{self.device} → {self.stage or self.dj_set}"


class PushMessageQuerySet(models.QuerySet):
    def music_started(self, dj_set):
        """The "DJ X is now live on Main Floor" push for a set that just went live on a stage.

        None when it is not news: no stage, the set is over or no longer drives its
        stage, the same DJ was live here a moment ago (a restart), or the stage already
        announced a start in the last MUSIC_START_STAGE_MINUTES (a pocket is not a pager).
        It names the DJ's account display name, not the free text typed at go-live.
        """
        stage = dj_set.stage
        if stage is None or not dj_set.is_live or not dj_set.drives_stage():
            return None
        restarted = DJSet.objects.filter(
            stage=stage, dj_id=dj_set.dj_id, ended_at__gte=dj_set.started_at - timedelta(minutes=MUSIC_START_QUIET_MINUTES),
        ).exclude(pk=dj_set.pk).exists()
        if restarted:
            return None
        with transaction.atomic():
            # One writer per stage at a time: two go-lives at once send one push.
            Stage.objects.select_for_update().filter(pk=stage.pk).first()
            recent = self.filter(
                stage=stage, tag=f"stage-{stage.code}",
                created_at__gte=timezone.now() - timedelta(minutes=MUSIC_START_STAGE_MINUTES),
            ).exists()
            if recent:
                return None
            ttl, urgency = MUSIC_START_DELIVERY
            return self.create(
                stage=stage,
                title=stage.event.name,
                body=f"{dj_set.dj.public_name} is now live on {stage.name}",
                url=stage.get_absolute_url(),
                tag=f"stage-{stage.code}",
                ttl=ttl,
                urgency=urgency,
            )


    def to_people(self, *, event, user_ids, client_ids, title, body, url, tag, ttl):
        """A personal push (a timetable change, a reminder) to the devices of these accounts
        and anonymous browsers; queued on commit. None when they have no device."""
        devices = list(
            PushDevice.objects.filter(Q(user_id__in=user_ids) | Q(user__isnull=True, client_id__in=client_ids))
            .values_list("pk", flat=True)
        ) if (user_ids or client_ids) else []
        if not devices:
            return None
        message = self.create(
            event=event, recipient_devices=devices, title=title[:200], body=body[:MESSAGE_LIMIT + 100], url=url,
            tag=tag[:64], ttl=ttl, urgency="normal",
        )
        transaction.on_commit(message.enqueue, robust=True)
        return message


class PushMessage(models.Model):
    """One notification to every device of one scope, and how its delivery went.

    recipients = delivered + failed + removed once delivery is finished; removed counts
    devices the push service said are gone (404/410), which are deleted.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stage = models.ForeignKey("stages.Stage", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    dj_set = models.ForeignKey(
        "stages.DJSet", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=MESSAGE_LIMIT + 100)
    url = models.CharField(max_length=500)
    tag = models.CharField(max_length=64)
    # A personal push (timetable change, reminder): exactly these devices, not the whole scope.
    recipient_devices = models.JSONField(null=True, blank=True)
    priority = models.CharField(max_length=12, choices=Priority.choices, default=Priority.INFO)
    ttl = models.PositiveIntegerField()
    urgency = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)

    objects = PushMessageQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=False, stage__isnull=True, dj_set__isnull=True)
                    | Q(event__isnull=True, stage__isnull=False, dj_set__isnull=True)
                    | Q(event__isnull=True, stage__isnull=True, dj_set__isnull=False)
                ),
                name="push_message_one_scope",
            ),
        ]

    def __str__(self):
        return f"{self.title}: {self.body[:40]}"

    @property
    def pending(self):
        if self.fanned_out_at is None:
            return None
        return max(self.recipients - self.delivered - self.failed - self.removed, 0)

    @property
    def is_finished(self):
        return self.pending == 0

    def devices(self):
        if self.recipient_devices is not None:
            return PushDevice.objects.filter(pk__in=self.recipient_devices)
        if self.event_id:
            return PushDevice.objects.for_event(self.event_id)
        if self.stage_id:
            return PushDevice.objects.for_stage(self.stage_id)
        return PushDevice.objects.for_set(self.dj_set_id)

    def payload(self):
        import json

        return json.dumps({
            "title": self.title,
            "body": self.body,
            # A path: the service worker opens it on its own origin, whatever the base URL.
            "url": self.url,
            "tag": self.tag,
            "priority": self.priority,
        })

    def ttl_left(self):
        """Seconds the push is still worth delivering (the TTL a retry asks for)."""
        return self.ttl - int((timezone.now() - self.created_at).total_seconds())

    def enqueue(self):
        """Hand the fan-out to the task cluster (the page that sent it returns at once)."""
        from django_q.tasks import async_task

        async_task("announcements.tasks.fan_out_push", self.pk)

    def fan_out(self):
        """Pick the scope's devices, each once, and deliver to them in batches."""
        from django_q.tasks import async_task

        if self.fanned_out_at is not None:
            return
        ids = list(self.devices().order_by("pk").values_list("pk", flat=True))
        claimed = PushMessage.objects.filter(pk=self.pk, fanned_out_at__isnull=True).update(
            recipients=len(ids), fanned_out_at=timezone.now()
        )
        if not claimed:
            return  # a retried task: the first run already fanned out
        for start in range(0, len(ids), BATCH_SIZE):
            async_task("announcements.tasks.deliver_push", self.pk, ids[start:start + BATCH_SIZE], 1)

    def _claim(self, device_ids, attempt):
        """The devices this run may send to: each (message, device) is claimed by exactly
        one run of each attempt, so a task the cluster runs twice never sends twice."""
        import uuid

        PushDelivery.objects.bulk_create(
            [PushDelivery(message=self, device_id=pk, attempts=attempt - 1) for pk in device_ids],
            ignore_conflicts=True,
        )
        claim = uuid.uuid4().hex
        PushDelivery.objects.filter(
            message=self, device_id__in=device_ids, state=PushDelivery.State.PENDING, attempts=attempt - 1
        ).update(state=PushDelivery.State.SENDING, attempts=attempt, claim=claim)
        return list(PushDelivery.objects.filter(message=self, claim=claim).values_list("device_id", flat=True))

    def deliver(self, device_ids, attempt=1):
        """Send to these devices; count what happened; retry what may pass later."""
        claimed = self._claim(device_ids, attempt)
        devices = list(PushDevice.objects.filter(pk__in=claimed))
        ttl = self.ttl_left()
        if ttl <= 0:
            outcomes = {device.pk: push.Outcome(push.FAILED) for device in devices}
        else:
            outcomes = push.send_many(devices, self.payload(), ttl=ttl, urgency=self.urgency)
        by_kind = {kind: [pk for pk, outcome in outcomes.items() if outcome.kind == kind] for kind in push.KINDS}
        retry = by_kind[push.RETRY]
        delay = max([RETRY_BASE_SECONDS * 4 ** (attempt - 1)] + [outcomes[pk].retry_after for pk in retry])
        failed = list(by_kind[push.FAILED])
        if retry and (attempt >= MAX_ATTEMPTS or delay >= self.ttl_left()):
            failed += retry
            retry = []
        refused = [pk for pk in by_kind[push.FAILED] if outcomes[pk].status in push.REFUSED_STATUSES]
        # Unsubscribed while queued: gone as surely as a 410.
        vanished = list(set(claimed) - {device.pk for device in devices})
        removed = by_kind[push.GONE] + vanished
        now = timezone.now()
        State = PushDelivery.State
        with transaction.atomic():
            for state, pks in ((State.DELIVERED, by_kind[push.DELIVERED]), (State.FAILED, failed),
                               (State.REMOVED, removed), (State.PENDING, retry)):
                if pks:
                    PushDelivery.objects.filter(message=self, device_id__in=pks).update(state=state, claim="")
            if by_kind[push.GONE]:
                PushDevice.objects.filter(pk__in=by_kind[push.GONE]).delete()
            if by_kind[push.DELIVERED]:
                PushDevice.objects.filter(pk__in=by_kind[push.DELIVERED]).update(last_delivered_at=now, refusals=0)
            if refused:
                PushDevice.objects.filter(pk__in=refused).update(refusals=F("refusals") + 1)
                PushDevice.objects.filter(pk__in=refused, refusals__gte=REFUSALS_LIMIT).delete()
            PushMessage.objects.filter(pk=self.pk).update(
                delivered=F("delivered") + len(by_kind[push.DELIVERED]),
                failed=F("failed") + len(failed),
                removed=F("removed") + len(removed),
            )
        if retry:
            later(delay, "announcements.tasks.deliver_push", self.pk, retry, attempt + 1)
        return by_kind


class PushDelivery(models.Model):
    """One message to one device: claimed before it is sent, settled after, so retried
    tasks neither send it twice nor count it twice."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        DELIVERED = "delivered"
        FAILED = "failed"
        REMOVED = "removed"

    message = models.ForeignKey(PushMessage, on_delete=models.CASCADE, related_name="deliveries")
    # No foreign key: the record outlives a device the push service said is gone.
    device_id = models.BigIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "device_id"], name="one_delivery_per_message_device"),
        ]

    def __str__(self):
        return f"{self.message_id} → {self.device_id}: {self.state}"


class AnnouncementQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(event=event)

    def for_set(self, dj_set):
        return self.filter(dj_set=dj_set)

    def recent(self, hours=None):
        hours = settings.PIKA_ANNOUNCEMENT_BANNER_HOURS if hours is None else hours
        return self.filter(created_at__gte=timezone.now() - timedelta(hours=hours))

    def send(self, *, author, message, priority=Priority.INFO, push=True, event=None, dj_set=None):
        """Save an announcement; on commit show it on every open page of its scope and
        queue its push. `event` for an organizer, `dj_set` for a DJ's Quick Start set."""
        from announcements import live  # live renders with these models: imported when needed

        if (event is None) == (dj_set is None):
            raise ValueError("An announcement goes to one event or one set.")
        code = unique_code(Announcement)
        with transaction.atomic():
            push_message = None
            if push:
                ttl, urgency = DELIVERY[Priority(priority)]
                if event is not None:
                    title, url = event.name, event.get_absolute_url()
                else:
                    title, url = dj_set.dj_name, dj_set.get_absolute_url()
                if priority == Priority.URGENT:
                    title = f"Urgent · {title}"
                push_message = PushMessage.objects.create(
                    event=event, dj_set=dj_set, title=title, body=message, url=url,
                    tag=f"announcement-{code}", priority=priority, ttl=ttl, urgency=urgency,
                )
            announcement = self.create(
                code=code, event=event, dj_set=dj_set, author=author, message=message,
                priority=priority, push=push_message,
            )
            # The banner first: open pages see it at once, phones in pockets a moment later.
            transaction.on_commit(lambda: live.broadcast(announcement.pk), robust=True)
            if push_message is not None:
                transaction.on_commit(push_message.enqueue, robust=True)
        return announcement


class Announcement(PublicCode):
    """A message from an organizer to an event, or from a DJ to their Quick Start set."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="announcements"
    )
    dj_set = models.ForeignKey(
        "stages.DJSet", on_delete=models.CASCADE, null=True, blank=True, related_name="announcements"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=MESSAGE_LIMIT)
    priority = models.CharField(max_length=12, choices=Priority.choices, default=Priority.INFO)
    push = models.OneToOneField(PushMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["event", "-created_at"]), models.Index(fields=["dj_set", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__isnull=False, dj_set__isnull=True) | Q(event__isnull=True, dj_set__isnull=False),
                name="announcement_one_scope",
            ),
        ]

    def __str__(self):
        return self.message[:60]

    @property
    def is_urgent(self):
        return self.priority == Priority.URGENT

    @property
    def sender(self):
        """Who dancers see it from."""
        if self.event_id:
            return self.event.name
        return self.dj_set.dj_name
