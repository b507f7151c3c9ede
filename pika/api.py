"""The public JSON API: one NinjaAPI, its auth, throttles and the one error shape.

Every error is `{"error": {"code", "message", "field"?}}`; nothing a client sends may
cause a 500.
"""

import functools
import logging
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import SimpleRateThrottle

from pika.cache import redis_of

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def or_not_found(found, code, message, field=None):
    """For the API: what an access helper found, or a JSON 404 (see pika/access.py)."""
    if found is None:
        raise ApiError(404, code, message, field)
    return found


def error_response(status, code, message, field=None):
    body = {"code": code, "message": message}
    if field:
        body["field"] = field
    return JsonResponse({"error": body}, status=status)


class FailOpenThrottle(SimpleRateThrottle):
    """A throttle whose cache (Redis) is down lets the request through, logged: a DJ's
    track is worth more than a rate limit."""

    def allow_request(self, request):
        try:
            return self.check(request)
        except Exception:
            log.warning("Rate limit skipped: its cache is unreachable", exc_info=True)
            return True

    def check(self, request):
        return super().allow_request(request)


# Ninja's sliding log (the request times of the last `duration` seconds; a request over
# the limit is refused and not logged) in one Redis round trip, where ninja's get then set
# cost two on every track POST. KEYS[1] = the log; ARGV = now, duration, limit, this
# request's entry. Answers {allowed, requests in the window, the oldest one's time}.
SLIDING_LOG = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  count = count + 1
  allowed = 1
end
return {allowed, count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
"""


@functools.cache
def _sliding_log(client):
    return client.register_script(SLIDING_LOG)


class TokenRateThrottle(FailOpenThrottle):
    """Per token: generous for a DJ, a wall for a runaway script."""

    def __init__(self):
        super().__init__(settings.PIKA_API_RATE)

    def allow_request(self, request):
        # Read per request, so the rate follows the settings (and tests can lower it).
        self.rate = settings.PIKA_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.window = None
        return super().allow_request(request)

    def check(self, request):
        client = redis_of(self.cache)
        if client is None:  # the local-memory cache: ninja's own get and set
            return super().check(request)
        self.key = self.get_cache_key(request)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, count, *oldest = _sliding_log(client)(
            keys=[self.cache.make_and_validate_key(self.key + ":log")],
            args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{uuid.uuid4().hex[:8]}"],
        )
        self.window = (count, float(oldest[0]) if oldest and oldest[0] is not None else self.now)
        return bool(allowed)

    def wait(self):
        if self.window is None:
            return super().wait()
        # Ninja's answer from its history: the oldest request's expiry, shared by the
        # requests still allowed in the window (none once refused: a limit's wait).
        count, oldest = self.window
        available = self.num_requests - count + 1
        return None if available <= 0 else (self.duration - (self.now - oldest)) / available

    def get_cache_key(self, request):
        if getattr(request, "auth", None) is None:
            return None
        return f"throttle:token:{request.auth.pk}"


api = NinjaAPI(
    title="Pika! API",
    version="1",
    description="The DJ token API and Pika!'s public live data.",
    urls_namespace="api",
    docs_url="/docs",
)


def _field_of(error):
    loc = [part for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
    return str(loc[0]) if loc else None


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first)
    kind = first.get("type", "invalid")
    if kind == "missing":
        return error_response(400, "missing_field", f"{field} is required.", field)
    if field is None:
        return error_response(400, "invalid_body", "The body must be a JSON object.")
    message = first.get("msg", "Invalid value.")
    return error_response(400, "invalid_field", f"{field}: {message}", field)


@api.exception_handler(ApiError)
def on_api_error(request, exc):
    return error_response(exc.status, exc.code, exc.message, exc.field)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(401, "unauthorized", "A valid API token is required (Authorization: Bearer <token>).")


@api.exception_handler(Throttled)
def on_throttled(request, exc):
    response = error_response(429, "rate_limited", "Too many requests; slow down and retry.")
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if exc.status_code == 400:
        return error_response(400, "invalid_json", "The body is not valid JSON.")
    return error_response(exc.status_code, "error", str(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(404, "not_found", "Not found.")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error_response(413, "too_large", f"The body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB.")


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    # An id past 64 bits, a number the column cannot hold: the client's value, not our bug.
    return error_response(400, "out_of_range", "A value is out of range.")


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request, exc):
    # A database restart: this request failed, the next one reconnects (CONN_HEALTH_CHECKS).
    log.warning("Database unavailable: %s", exc)
    response = error_response(503, "database_unavailable", "The database is restarting; retry in a moment.")
    response["Retry-After"] = "2"
    return response


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    log.exception("Unexpected API error")
    return error_response(500, "server_error", "Something went wrong on our side.")


api.add_router("/", "stages.api.router")
api.add_router("/", "announcements.api.router")
api.add_router("/", "crate.api.router")
api.add_router("/", "crowd.api.router")
