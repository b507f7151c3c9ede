from urllib.parse import quote, quote_plus

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from crate import live


class LikeQuerySet(models.QuerySet):
    def of(self, request):
        """The likes of whoever sent `request`: their account's, else their browser's."""
        if request.user.is_authenticated:
            return self.filter(user=request.user)
        return self.filter(user__isnull=True, client_id=request.client_id)

    def liked_track_ids(self, request):
        """The ids of the tracks this dancer likes, read once per request."""
        if not hasattr(request, "_pika_liked_ids"):
            if not request.user.is_authenticated and getattr(request, "client_id_is_new", False):
                # A first visit (a fresh QR scan) has liked nothing yet: no query.
                request._pika_liked_ids = set()
            else:
                request._pika_liked_ids = set(self.of(request).values_list("track_id", flat=True))
        return request._pika_liked_ids

    def journal(self, request):
        """The dancer's likes with everything the journal and the exports show, newest set first."""
        return (
            self.of(request)
            .select_related("track__dj_set__stage__event")
            .order_by("-track__dj_set__started_at", "-track__played_at", "-pk")
        )

    def set(self, request, track, liked):
        """Like or unlike `track` for this dancer (idempotent) and tell the DJ. Returns `liked`."""
        owner = (
            {"user": request.user, "client_id": ""}
            if request.user.is_authenticated
            else {"user": None, "client_id": request.client_id}
        )
        if liked:
            try:
                with transaction.atomic():
                    _, changed = self.get_or_create(track=track, **owner)
            except IntegrityError:
                # A double tap raced itself: the other request stored the like.
                changed = False
        else:
            changed = self.filter(track=track, **owner).delete()[0] > 0
        if changed:
            dj_set_id = track.dj_set_id
            transaction.on_commit(lambda: live.likes_changed(dj_set_id), robust=True)
        if hasattr(request, "_pika_liked_ids"):
            (request._pika_liked_ids.add if liked else request._pika_liked_ids.discard)(track.pk)
        return liked

    def claim(self, client_id, user):
        """Move a browser's anonymous likes to `user`. Returns (moved, merged).

        A track the account already likes keeps the account's like and the browser's
        copy goes (merged): one like per track per dancer holds. The account's copies are
        inserted ignoring conflicts, so a like from another device meanwhile merges too.
        """
        if not client_id:
            return 0, 0
        with transaction.atomic():
            anonymous = list(self.filter(user__isnull=True, client_id=client_id))
            if not anonymous:
                return 0, 0
            owned = set(
                self.filter(user=user, track_id__in=[like.track_id for like in anonymous])
                .values_list("track__dj_set_id", "track_id")
            )
            self.bulk_create(
                [Like(track_id=like.track_id, user=user, created_at=like.created_at) for like in anonymous],
                ignore_conflicts=True,
            )
            self.filter(pk__in=[like.pk for like in anonymous]).delete()
            # A merge lowers a track's count by one: its DJ's feedback must hear of it.
            for dj_set_id in {dj_set_id for dj_set_id, _ in owned}:
                transaction.on_commit(lambda sid=dj_set_id: live.likes_changed(sid), robust=True)
        return len(anonymous) - len(owned), len(owned)


class Like(models.Model):
    """One dancer's heart on one played track: an account's, or an anonymous browser's."""

    track = models.ForeignKey("stages.PlayedTrack", on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="likes"
    )
    # The anonymous dancer (the `pika_client` cookie) while the like has no account.
    client_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LikeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "user"], condition=Q(user__isnull=False), name="one_like_per_track_per_user"
            ),
            models.UniqueConstraint(
                fields=["track", "client_id"], condition=Q(user__isnull=True), name="one_like_per_track_per_client"
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(client_id=""))
                | (Q(user__isnull=True) & ~Q(client_id="")),
                name="like_has_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["client_id"], name="like_client_idx")]

    def __str__(self):
        return f"♥ {self.track}"

    @property
    def search_query(self):
        return f"{self.track.artist} {self.track.title}"

    def search_links(self):
        """Where to find the song again: plain search pages, no account or API needed."""
        q = self.search_query
        return [
            ("Spotify", "https://open.spotify.com/search/" + quote(q, safe="")),
            ("Apple Music", "https://music.apple.com/search?term=" + quote_plus(q)),
            ("YouTube", "https://www.youtube.com/results?search_query=" + quote_plus(q)),
        ]

