from django.db import models, transaction
from django.utils import timezone

from recaps import live

NOTE_LIMIT = 500


class TrackRating(models.Model):
    """The DJ's own verdict on one play and a private note: theirs alone, never public."""

    class Verdict(models.TextChoices):
        PEAK = "peak", "Peak"
        NEUTRAL = "neutral", "Neutral"
        BRICK = "brick", "Brick"

    track = models.OneToOneField("stages.PlayedTrack", on_delete=models.CASCADE, related_name="dj_rating")
    verdict = models.CharField(max_length=8, choices=Verdict.choices, blank=True)
    note = models.CharField(max_length=NOTE_LIMIT, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.verdict or 'no verdict'}: {self.track}"


class LobbyListingQuerySet(models.QuerySet):
    def list_set(self, dj_set):
        """Show a Quick Start set in the lobby (/live): the DJ opted in when going live."""
        listing, created = self.get_or_create(dj_set=dj_set)
        if created:
            transaction.on_commit(live.lobby_changed, robust=True)
        return listing


class LobbyListing(models.Model):
    """A Quick Start set its DJ chose to show in the public lobby. Sets on a published
    event's stage are public anyway; other Quick Start sets stay private (no row)."""

    dj_set = models.OneToOneField("stages.DJSet", on_delete=models.CASCADE, related_name="lobby_listing")
    created_at = models.DateTimeField(default=timezone.now)

    objects = LobbyListingQuerySet.as_manager()

    def __str__(self):
        return f"listed: {self.dj_set}"
