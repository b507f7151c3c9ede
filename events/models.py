import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.timezone import now
from django.utils.text import slugify

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

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self):
        return self.name

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
