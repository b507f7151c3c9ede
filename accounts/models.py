import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property

TOKEN_PREFIX = "pika_"


# What dancers see for a DJ who has not chosen a display name.
ANONYMOUS_DJ_NAME = "Guest DJ"


class UserManager(DjangoUserManager):
    """Users sign in with their email address; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """One person: a dancer, a DJ and an organizer at once, as they choose."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.display_name or self.email

    @property
    def public_name(self):
        """What dancers see: the display name. Never any part of the e-mail address, which
        is often the person's full name and is theirs to keep private."""
        return self.display_name or ANONYMOUS_DJ_NAME

    def mark_email_verified(self):
        """Record the account's e-mail as confirmed: for accounts the operator vouches for
        (`dj_token create`, the demo), which never receive a confirmation mail."""
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @cached_property
    def is_organizer(self):
        """Approved by the platform owner to run events (rejecting later takes it back)."""
        return self.organizer_applications.approved().exists()

    def latest_organizer_application(self):
        return self.organizer_applications.order_by("-created_at", "-pk").first()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def authenticate(self, raw_token):
        """The active token matching `raw_token`, its last use stamped, or None."""
        if not raw_token or len(raw_token) > 200:
            return None
        token = (
            self.active()
            .select_related("user")
            .filter(token_hash=ApiToken.hash(raw_token))
            .first()
        )
        if token is not None:
            now = timezone.now()
            # One write a minute at most: a DJ posting tracks should not hammer the row.
            if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        return token


class ApiToken(models.Model):
    """A DJ's key for the token API and the pika-dj agent; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a DJ can tell their tokens apart without the secret.
    prefix = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw_token):
        return hashlib.sha256(raw_token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name):
        """Create a token; returns (token, raw secret). The secret is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name or "API token", token_hash=cls.hash(raw), prefix=raw[:12]
        )
        return token, raw

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class OrganizerApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OrganizerApplication.Status.PENDING)

    def approved(self):
        return self.filter(status=OrganizerApplication.Status.APPROVED)


class OrganizerApplication(models.Model):
    """A request to run events on Pika!; the platform owner decides in the admin."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organizer_applications")
    name = models.CharField("your name", max_length=120)
    community = models.CharField("community or event", max_length=200)
    links = models.TextField(
        "links", max_length=2000, blank=True,
        help_text="Your event's website or social pages, one per line.",
    )
    message = models.TextField("message", max_length=5000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    note = models.TextField(
        "decision note", blank=True, max_length=2000,
        help_text="Sent to the applicant with the decision.",
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizerApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} — {self.community} ({self.get_status_display()})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def decide(self, status, by, note=""):
        """Approve or reject, remember who and when, and tell the applicant by email."""
        self.status = status
        self.note = note.strip()
        self.decided_by = by
        self.decided_at = timezone.now()
        self.save(update_fields=["status", "note", "decided_by", "decided_at"])
        self.user.__dict__.pop("is_organizer", None)  # the cached answer is stale now
        transaction.on_commit(self.email_decision, robust=True)

    def approve(self, by, note=""):
        self.decide(self.Status.APPROVED, by, note)

    def reject(self, by, note=""):
        self.decide(self.Status.REJECTED, by, note)

    def email_decision(self):
        context = {"application": self, "base_url": settings.PIKA_BASE_URL}
        send_mail(
            subject=render_to_string("accounts/email/decision_subject.txt", context).strip(),
            message=render_to_string("accounts/email/decision_body.txt", context),
            from_email=None,
            recipient_list=[self.user.email],
        )
