import secrets
import zoneinfo
from functools import lru_cache

from django.utils import timezone

CLIENT_COOKIE = "pika_client"
CLIENT_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def client_id_middleware(get_response):
    """Give every browser a long-lived anonymous id: a dancer without an account."""

    def middleware(request):
        client_id = request.COOKIES.get(CLIENT_COOKIE, "")
        is_new = not (16 <= len(client_id) <= 64 and client_id.isalnum())
        request.client_id = secrets.token_hex(16) if is_new else client_id
        response = get_response(request)
        if is_new and not request.path.startswith(("/api/", "/static/", "/healthz")):
            response.set_cookie(
                CLIENT_COOKIE, request.client_id, max_age=CLIENT_COOKIE_AGE,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )
        return response

    return middleware


TZ_COOKIE = "pika_tz"


@lru_cache(maxsize=512)
def _zone(name):
    if not name or len(name) > 64:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def viewer_timezone_middleware(get_response):
    """Times not tied to an event (a Quick Start set, a DJ's past sets, a dancer's likes)
    read in the viewer's time zone: the browser's, which pika.js sends once and keeps in a
    cookie. A cookie rather than the session: an anonymous dancer has no session, and
    reading one would cost a query on every page. Without it: UTC, and pika.js rewrites
    those times in the browser (pushed fragments too, which are rendered once for all)."""

    def middleware(request):
        zone = _zone(request.COOKIES.get(TZ_COOKIE, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
