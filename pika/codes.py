"""Short unguessable codes for public URLs and QR codes (never sequential ids)."""

import re
import secrets

from django.conf import settings
from django.db import models

# No 0/O, 1/l/I: a code read aloud or typed from a printed sheet must survive.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"


def new_code(length=8):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def unique_code(model, field="code", length=8):
    while True:
        code = new_code(length)
        if not model.objects.filter(**{field: code}).exists():
            return code


class PublicCode(models.Model):
    """A thing people reach by a short code in a public URL or QR code (a stage, a set,
    an announcement): the code is drawn once, on first save, and never changes."""

    code = models.CharField(max_length=16, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = unique_code(type(self))
        super().save(*args, **kwargs)

    @property
    def public_url(self):
        """The absolute address: what QR codes print and the API answers."""
        return settings.PIKA_BASE_URL + self.get_absolute_url()


ISRC_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}\d{7}$")


def clean_isrc(value):
    """An ISRC (a recording's international code) with dashes, spaces and case ignored,
    or "" when `value` is not one."""
    value = re.sub(r"[\s\-]", "", value or "").upper()
    return value if ISRC_RE.match(value) else ""
