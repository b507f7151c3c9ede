import ipaddress
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

CLIENT_COOKIE = "pika_client"
CLIENT_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
_SIGNATURE_SALT = "pika.client-id"


def client_ip_middleware(get_response):
    """REMOTE_ADDR becomes the client's address as the configured proxies saw it.

    PIKA_TRUSTED_PROXIES proxies in front of us each append the address they were
    reached from to X-Forwarded-For, so the client is the Nth entry from the right;
    anything further left is whatever the client chose to send. With 0 (the default)
    the header is ignored and the socket peer is the client. Every rate limit (ours,
    django-ratelimit, allauth, ninja) then reads the same REMOTE_ADDR.
    """

    def middleware(request):
        proxies = settings.PIKA_TRUSTED_PROXIES
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if proxies > 0 and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            if len(hops) >= proxies:
                try:
                    request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(hops[-proxies]))
                except ValueError:
                    pass  # a proxy that writes garbage: keep the socket peer
        return get_response(request)

    return middleware


def _signature(nonce):
    return salted_hmac(_SIGNATURE_SALT, nonce).hexdigest()[:16]


def new_client_id():
    """32 hex characters: 16 random, 16 our signature of them, so ids cannot be made up."""
    nonce = secrets.token_hex(8)
    return nonce + _signature(nonce)


def _read_cookie(value):
    """(client id or None, whether we issued it). Ids from before they were signed still
    name their dancer (their likes), but get no allowance of their own."""
    if not (16 <= len(value) <= 64 and value.isalnum()):
        return None, False
    signed = len(value) == 32 and constant_time_compare(_signature(value[:16]), value[16:])
    return value, signed


def _may_issue(request):
    """New client ids from one address are limited: a script that drops its cookie
    (or makes one up) must not get a fresh allowance every time."""
    from django_ratelimit.core import is_ratelimited

    return not is_ratelimited(
        request, group="client-ids", key="ip", rate=settings.PIKA_NEW_CLIENT_IP_RATE, increment=True
    )


def rate_key(group, request):
    """The per-dancer rate-limit key: a client id we issued, else the address (cookieless
    requests from one address share one allowance)."""
    if getattr(request, "client_id_signed", False):
        return f"client:{request.client_id}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def client_id_middleware(get_response):
    """Give every browser a long-lived anonymous id: a dancer without an account."""

    def middleware(request):
        client_id, signed = _read_cookie(request.COOKIES.get(CLIENT_COOKIE, ""))
        request.client_id_is_new = client_id is None
        request.client_id = client_id or new_client_id()
        request.client_id_signed = signed
        response = get_response(request)
        # Pages only (not the API), and a limited number of new ids per address.
        if client_id is None and not request.path.startswith(("/api/", "/static/", "/healthz")) and _may_issue(request):
            response.set_cookie(
                CLIENT_COOKIE, request.client_id, max_age=CLIENT_COOKIE_AGE,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )
        return response

    return middleware
