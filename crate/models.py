from datetime import timedelta
from urllib.parse import quote, quote_plus

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from crate import live
from pika.middleware import is_first_visit


class LikeQuerySet(models.QuerySet):
    def of(self, request):
        """The likes of whoever sent `request`: their account's, else their browser's."""
        if request.user.is_authenticated:
            return self.filter(user=request.user)
        return self.filter(user__isnull=True, client_id=request.client_id)

    def liked_track_ids(self, request):
        """The ids of the tracks this dancer likes, read once per request."""
        if not hasattr(request, "_pika_liked_ids"):
            if is_first_visit(request):  # nothing liked yet: no query
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
        return search_links(self.track.artist, self.track.title)


def search_links(artist, title):
    """Where to find a song again: plain search pages, no account or API needed."""
    q = f"{artist} {title}"
    return [
        ("Spotify", "https://open.spotify.com/search/" + quote(q, safe="")),
        ("Apple Music", "https://music.apple.com/search?term=" + quote_plus(q)),
        ("YouTube", "https://www.youtube.com/results?search_query=" + quote_plus(q)),
    ]



# A link confirmed by this many distinct DJs is applied to the next play without a click.
AUTO_MATCH_DJS = 3


class Track(models.Model):
    """One recording, shared by every DJ: what a played file is, once DJs agree on it."""

    artist = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    album = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, db_index=True)
    spotify_uri = models.CharField("Spotify URI", max_length=64, blank=True, db_index=True)
    apple_music_id = models.CharField("Apple Music id", max_length=32, blank=True)
    # The normalised artist + title, so "confirm as played" finds the recording again.
    name_key = models.CharField(max_length=400, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["artist", "title", "pk"]

    def __str__(self):
        return f"{self.artist} — {self.title}"

    def as_json(self, auto=None):
        body = {"id": self.pk, "artist": self.artist, "title": self.title,
                "isrc": self.isrc or None, "spotify_uri": self.spotify_uri or None}
        if auto is not None:
            body["auto"] = auto
        return body


class TrackLink(models.Model):
    """What crate knows about one played track: its ISRC as posted, its identity (at most
    one), whether the crowd set it (auto) or the DJ skipped it, and what they rejected."""

    played = models.OneToOneField("stages.PlayedTrack", on_delete=models.CASCADE, related_name="crate_link")
    identity = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="links")
    auto = models.BooleanField(default=False)
    skipped = models.BooleanField(default=False)
    isrc = models.CharField("ISRC", max_length=12, blank=True)
    # What Spotify's search proposed (ISRC first, then artist + title), searched once.
    spotify_suggestion = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    spotify_searched = models.BooleanField(default=False)
    # Recordings the DJ said this track is not (ids): never suggested for it again.
    rejected = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.played_id} → {self.identity_id}"


class Confirmation(models.Model):
    """One DJ saying "this played track is that recording", with the evidence it carried.

    Kept for good (who, which play, which identity, when); a DJ's later answer for the same
    play replaces their earlier one. Counts are of distinct DJs, so nobody bumps one twice.
    """

    dj = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="confirmations")
    played = models.ForeignKey("stages.PlayedTrack", on_delete=models.CASCADE, related_name="confirmations")
    identity = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="confirmations")
    file_hash = models.CharField(max_length=128, blank=True, db_index=True)
    isrc = models.CharField("ISRC", max_length=12, blank=True, db_index=True)
    name_key = models.CharField(max_length=400, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["dj", "played"], name="one_confirmation_per_play_per_dj")]

    def __str__(self):
        return f"{self.dj} : {self.played_id} → {self.identity}"


class Conflict(models.Model):
    """One piece of evidence confirmed as two or more recordings: flagged, never merged.

    Until the owner resolves it the recording with the most distinct DJs wins; once they
    pick one in the admin, that one wins."""

    KINDS = [("hash", "File hash"), ("isrc", "ISRC"), ("name", "Artist + title")]
    kind = models.CharField(max_length=8, choices=KINDS)
    value = models.CharField(max_length=400)
    resolved_to = models.ForeignKey(Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_conflict_per_evidence")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


def _fernet():
    """Tokens are encrypted at rest with a key derived from SECRET_KEY: a database dump
    alone does not hand over the curator's Spotify account."""
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    digest = hashlib.sha256(("pika-spotify-tokens:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class SpotifyAccount(models.Model):
    """A Spotify account Pika! may create playlists under: the platform curator's (no
    owner; the newest one connected is used), or one DJ's own (optional, one per DJ).
    Both sign in, refresh and are called the same way."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="spotify_account",
        help_text="The DJ who linked this account; empty for the platform curator account.",
    )
    spotify_user_id = models.CharField(max_length=128)
    display_name = models.CharField(max_length=200, blank=True)
    access_token_encrypted = models.TextField()
    refresh_token_encrypted = models.TextField()
    expires_at = models.DateTimeField()
    connected_at = models.DateTimeField(default=timezone.now)
    # Spotify refused its refresh token (revoked, or older than six months): unusable
    # until its owner connects again.
    needs_reconnect = models.BooleanField(default=False)

    def __str__(self):
        return self.display_name or self.spotify_user_id

    @classmethod
    def curator(cls):
        return cls.objects.filter(owner__isnull=True).order_by("-connected_at").first()

    @classmethod
    def of_dj(cls, user):
        return cls.objects.filter(owner=user).first() if user.is_authenticated else None

    @classmethod
    def connect(cls, owner, tokens, me):
        """Store a fresh sign-in: a DJ's replaces their earlier one; the curator's is a new
        row (the newest is the curator)."""
        account = cls.objects.filter(owner=owner).first() if owner is not None else None
        account = account or cls(owner=owner)
        account.set_tokens(tokens)
        account.spotify_user_id, account.display_name = me["id"], me.get("display_name") or ""
        account.connected_at, account.needs_reconnect = timezone.now(), False
        account.save()
        return account

    @property
    def is_curator(self):
        return self.owner_id is None

    @property
    def usable(self):
        return not self.needs_reconnect

    @property
    def access_token(self):
        return _fernet().decrypt(self.access_token_encrypted.encode()).decode()

    @property
    def refresh_token(self):
        return _fernet().decrypt(self.refresh_token_encrypted.encode()).decode()

    def set_tokens(self, tokens):
        fernet = _fernet()
        self.access_token_encrypted = fernet.encrypt(tokens["access_token"].encode()).decode()
        if tokens.get("refresh_token"):  # a refresh may or may not rotate it
            self.refresh_token_encrypted = fernet.encrypt(tokens["refresh_token"].encode()).decode()
        self.expires_at = timezone.now() + timedelta(seconds=int(tokens.get("expires_in", 3600)))

    def store_tokens(self, tokens):
        self.set_tokens(tokens)
        self.save(update_fields=["access_token_encrypted", "refresh_token_encrypted", "expires_at"])

    def mark_revoked(self):
        if self.pk is not None:
            self.needs_reconnect = True
            self.save(update_fields=["needs_reconnect"])


class SpotifyPlaylist(models.Model):
    """A set's playlist (under the curator account or the DJ's own), or a dancer's liked
    songs (under the curator account): exporting again updates this one."""

    CURATOR, DJ = "curator", "dj"
    UNDER = [(CURATOR, "Pika!'s curator account"), (DJ, "the DJ's own Spotify account")]

    dj_set = models.OneToOneField(
        "stages.DJSet", on_delete=models.CASCADE, null=True, blank=True, related_name="spotify_playlist"
    )
    likes_of = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="likes_playlist"
    )
    playlist_id = models.CharField(max_length=64, blank=True)
    # Whose account the playlist lives in, and that account's Spotify user: an export
    # under the same Spotify user updates it, any other account makes a new one.
    under = models.CharField(max_length=8, choices=UNDER, default=CURATOR)
    spotify_owner_id = models.CharField(max_length=128, blank=True)
    url = models.URLField(blank=True)
    added = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    # What the DJ sees: the last export's outcome in words ("Spotify is busy, try again in…").
    message = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dj_set__isnull=False, likes_of__isnull=True) | Q(dj_set__isnull=True, likes_of__isnull=False),
                name="playlist_of_a_set_or_of_likes",
            )
        ]

    def __str__(self):
        return self.url or f"playlist {self.pk}"
