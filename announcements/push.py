"""Web Push plumbing: VAPID keys, the endpoint guard, subscription checks, sending.

The server POSTs to whatever URL a browser hands it, so an endpoint is accepted only on
the known push services' hosts (or hosts the operator lists in PIKA_PUSH_ENDPOINT_HOSTS),
checked when subscribing and again before every send, and redirects are never followed.
"""

import base64
import binascii
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings

log = logging.getLogger(__name__)

# Chrome, Edge (FCM or WNS), Firefox, Safari. A host matches itself and its subdomains.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "push.apple.com",
    "notify.windows.com",
)
ENDPOINT_LIMIT = 1024
VAPID_KEY_FILE = "vapid_private_key.txt"
# (connect, read) seconds: a push service answers in well under a second, and one slow or
# silent host must not hold a sending thread (and so the batch) for long.
SEND_TIMEOUT = (3, 5)
SEND_THREADS = 16

DELIVERED, GONE, RETRY, FAILED = "delivered", "gone", "retry", "failed"
KINDS = (DELIVERED, GONE, RETRY, FAILED)
# Answers that say the subscription itself is wrong; repeated, the device is forgotten.
REFUSED_STATUSES = (400, 403)


class InvalidSubscription(ValueError):
    def __init__(self, field, message, code="invalid_subscription"):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


# --- VAPID keys ----------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_B64 = re.compile(r"[A-Za-z0-9_\-+/]+={0,2}")


def b64decode(value):
    """Base64, URL-safe or not, padded or not; None when it is not base64 at all."""
    if not isinstance(value, str) or not _B64.fullmatch(value):
        return None
    value = value.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def new_private_key():
    """A fresh VAPID private key: the base64url raw 32-byte scalar (what PIKA_VAPID_PRIVATE_KEY holds)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _stored_private_key():
    """The embedded default: a key made on first use and kept under PIKA_VAR_DIR.

    Several processes may start at once: the first to link its file wins, the others
    read that one, so every process signs with the same key.
    """
    path = settings.PIKA_VAR_DIR / VAPID_KEY_FILE
    if not path.exists():
        temporary = path.with_name(f".{VAPID_KEY_FILE}.{os.getpid()}.{threading.get_ident()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_private_key() + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


@lru_cache(maxsize=4)
def _vapid(private_key):
    from py_vapid import Vapid

    return Vapid.from_raw(private_key.encode())


def vapid():
    """The Vapid signer for the configured key (settings, else the kept default)."""
    return _vapid(settings.PIKA_VAPID_PRIVATE_KEY or _stored_private_key())


def public_key_of(signer):
    from cryptography.hazmat.primitives import serialization

    return b64url(signer.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    ))


def public_key():
    """The application server key browsers subscribe with (base64url, uncompressed point)."""
    return public_key_of(vapid())


# --- Subscriptions -------------------------------------------------------------------

def extra_hosts():
    hosts = settings.PIKA_PUSH_ENDPOINT_HOSTS
    if isinstance(hosts, str):
        hosts = hosts.split(",")
    return {host.strip().lower() for host in hosts if host.strip()}


# RFC 3986's unreserved, reserved and percent characters: nothing else (no backslash,
# space, quote or non-ASCII) reaches a parser that may read it differently from ours.
_URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
# A DNS name only: IP literals (v4, v6, decimal) are never a push service.
_HOST_NAME = re.compile(r"(?=.*[a-z])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+")


def endpoint_allowed(endpoint):
    """Whether the server may POST to this endpoint (the SSRF guard).

    The host checked is the host the HTTP client (requests, through urllib3) will connect
    to, read by that same parser from the URL it will send; Python's urlsplit must agree,
    so a URL two parsers read differently (`https://evil\\.fcm.googleapis.com/`) is refused.
    """
    import requests
    from urllib3.exceptions import LocationParseError
    from urllib3.util import parse_url

    if not isinstance(endpoint, str) or not _URI_CHARACTERS.fullmatch(endpoint):
        return False
    try:
        prepared = requests.PreparedRequest()
        prepared.prepare_url(endpoint, None)
        client = parse_url(prepared.url)
        ours = urlsplit(endpoint)
        our_port = ours.port
    except (requests.RequestException, LocationParseError, ValueError):
        return False
    host = (client.host or "").lower()
    if not host or client.auth is not None or "@" in ours.netloc or "%" in ours.netloc:
        return False
    if host != (ours.hostname or "").lower() or client.port != our_port:
        return False
    scheme = (client.scheme or "").lower()
    if host in extra_hosts():
        return scheme in ("https", "http")
    if scheme != "https" or client.port not in (None, 443) or not _HOST_NAME.fullmatch(host):
        return False
    return any(host == known or host.endswith("." + known) for known in PUSH_SERVICE_HOSTS)


def parse_subscription(data):
    """(endpoint, p256dh, auth) from a browser's PushSubscription JSON, or InvalidSubscription."""
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(data, dict):
        raise InvalidSubscription("subscription", "subscription must be a PushSubscription object.")
    endpoint = data.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise InvalidSubscription("subscription.endpoint", "subscription.endpoint is required.")
    endpoint = endpoint.strip()
    if len(endpoint) > ENDPOINT_LIMIT:
        raise InvalidSubscription("subscription.endpoint", f"subscription.endpoint is over {ENDPOINT_LIMIT} characters.")
    if not endpoint_allowed(endpoint):
        raise InvalidSubscription(
            "subscription.endpoint", "That endpoint is not a known push service.", code="endpoint_not_allowed"
        )
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise InvalidSubscription("subscription.keys", "subscription.keys (p256dh and auth) is required.")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if p256dh is None:
        raise InvalidSubscription("subscription.keys.p256dh", "subscription.keys.p256dh is required.")
    if auth is None:
        raise InvalidSubscription("subscription.keys.auth", "subscription.keys.auth is required.")
    point = b64decode(p256dh)
    try:
        if point is None or len(point) != 65:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        raise InvalidSubscription(
            "subscription.keys.p256dh", "subscription.keys.p256dh is not a P-256 public key."
        ) from None
    secret = b64decode(auth)
    if secret is None or len(secret) != 16:
        raise InvalidSubscription("subscription.keys.auth", "subscription.keys.auth must be 16 bytes, base64url.")
    return endpoint, b64url(point), b64url(secret)


# --- Sending -------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int | None = None
    retry_after: int = 0


_local = threading.local()


def _http():
    """One keep-alive HTTP session per sending thread; redirects are refused, not followed."""
    http = getattr(_local, "http", None)
    if http is None:
        import requests

        http = requests.Session()
        http.max_redirects = 0
        _local.http = http
    return http


def _retry_after(response):
    try:
        return max(0, min(int(response.headers.get("Retry-After", "0")), 3600))
    except (TypeError, ValueError):
        return 0


def send(device, data, *, ttl, urgency):
    """POST one encrypted, VAPID-signed push to one device; what happened, as an Outcome."""
    import requests
    from pywebpush import WebPushException, webpush

    if not endpoint_allowed(device.endpoint):
        return Outcome(FAILED)
    try:
        webpush(
            device.subscription_info(),
            data,
            vapid_private_key=vapid(),
            # A fresh dict per call: pywebpush writes the audience (this endpoint's origin) into it.
            vapid_claims={"sub": settings.PIKA_VAPID_SUBJECT},
            ttl=ttl,
            headers={"Urgency": urgency},
            timeout=SEND_TIMEOUT,
            requests_session=_http(),
        )
    except WebPushException as error:
        response = error.response
        if response is None:  # pywebpush refused the subscription itself: it will not improve
            return Outcome(FAILED)
        status = response.status_code
        if status in (404, 410):
            return Outcome(GONE, status)
        if status == 429 or status >= 500:
            return Outcome(RETRY, status, _retry_after(response))
        log.warning("Push refused (%s) by %s", status, urlsplit(device.endpoint).hostname)
        return Outcome(FAILED, status)
    except requests.TooManyRedirects:
        return Outcome(FAILED)
    except requests.RequestException:
        return Outcome(RETRY)
    return Outcome(DELIVERED, 201)


def send_many(devices, data, *, ttl, urgency):
    """Send to many devices at once (a few threads: the time goes into waiting on the
    network); returns {device pk: Outcome}."""
    if not devices:
        return {}
    with ThreadPoolExecutor(max_workers=min(SEND_THREADS, len(devices))) as pool:
        outcomes = pool.map(lambda device: send(device, data, ttl=ttl, urgency=urgency), devices)
        return {device.pk: outcome for device, outcome in zip(devices, outcomes)}
