import ipaddress
import json
import re
import secrets
import zoneinfo
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_htmx.http import HttpResponseClientRedirect

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


def is_first_visit(request):
    """Whether `request` comes from a browser we have never seen, without an account: a
    fresh QR scan. Nothing can be theirs yet (likes, votes, answers), so what a page shows
    them is what it shows every first visit."""
    return not request.user.is_authenticated and getattr(request, "client_id_is_new", False)


def htmx_login_redirect_middleware(get_response):
    """An HTMX request whose login has expired sends the whole page to sign-in.

    Otherwise the browser follows the redirect inside the request and htmx swaps the
    sign-in page into a fragment (a login form inside the track form). After signing in
    the person comes back to the page they were on, not to the URL the fragment posted to.
    """
    # Not at the top: crate.models imports this module while the models load, and auth's
    # views import its forms and models.
    from django.contrib.auth.views import redirect_to_login

    login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path

    def middleware(request):
        response = get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code not in (301, 302, 303, 307, 308):
            return response
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        page = urlsplit(htmx.current_url or "")
        back_to = page.path if page.path and page.netloc in ("", request.get_host()) else request.get_full_path()
        if page.query and back_to == page.path:
            back_to += "?" + page.query
        return HttpResponseClientRedirect(redirect_to_login(back_to)["Location"])

    return middleware


# C0 controls and DEL, except tab, line feed and carriage return (a textarea's lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _has_control(value):
    if isinstance(value, str):
        return bool(_CONTROL.search(value))
    if isinstance(value, dict):
        return any(_has_control(key) or _has_control(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_control(item) for item in value)
    return False


def _bad_request(request, message):
    # Here, not at the top: pika.api mounts the apps' routers, which use this module.
    from pika.api import error_response

    if request.path.startswith("/api/"):
        return error_response(400, "invalid_characters", message)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _database_unavailable(request):
    """A database restart: a 503 that says so (JSON on the API), and the next request
    reconnects. Forms keep what was typed: the browser's back button still has it."""
    from pika.api import error_response  # see _bad_request

    if request.path.startswith("/api/"):
        response = error_response(503, "database_unavailable", "The database is restarting; retry in a moment.")
    else:
        # An HTMX form stays on the page (pika.js adds "your entry is kept"); a plain one
        # is one tap of the browser's back button away, typed text included.
        text = ("The database is restarting; nothing was stored yet." if request.headers.get("HX-Request")
                else "The database is restarting; go back and send again in a moment.")
        response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "2"
    return response


def bad_input_middleware(get_response):
    """Control characters (NUL above all: PostgreSQL refuses it in text) never reach a
    query: in the path, the query string, a form or a JSON body they are a 400. And a
    value the database cannot hold (an id past 64 bits) is the client's mistake, not ours."""

    def middleware(request):
        if _has_control(request.path) or any(_has_control(key) or _has_control(value)
                                             for key, values in request.GET.lists() for value in values):
            return _bad_request(request, "The address contains control characters.")
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            if (request.path.startswith("/api/") and request.content_type != "application/json"
                    and request.META.get("CONTENT_LENGTH", "0") not in ("", "0")):
                from pika.api import error_response  # see _bad_request

                return error_response(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).")
            try:
                if request.content_type == "application/json" and request.body:
                    if _has_control(json.loads(request.body)):
                        return _bad_request(request, "The body contains control characters.")
                elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                    if any(_has_control(key) or _has_control(value)
                           for key, values in request.POST.lists() for value in values):
                        return _bad_request(request, "The form contains control characters.")
            except (ValueError, UnicodeDecodeError, RequestDataTooBig):
                pass  # not JSON, not UTF-8 or too big: the view answers that itself (400, 413)
        return get_response(request)

    def process_exception(request, exception):
        if isinstance(exception, (OverflowError, DataError)):
            return _bad_request(request, "A value is out of range.")
        if isinstance(exception, (OperationalError, InterfaceError)):
            return _database_unavailable(request)
        return None

    middleware.process_exception = process_exception
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
