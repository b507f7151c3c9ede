import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.timezone import now
from django.utils.text import slugify


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def owned_by(self, user):
        return self.filter(organizer=user)


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
    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @classmethod
    def unique_slug(cls, name, exclude_pk=None):
        base = slugify(name)[:50] or "event"
        slug, n = base, 2
        while cls.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug
