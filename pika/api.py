"""The public JSON API: one NinjaAPI, its auth, throttles and the one error shape.

Every error is `{"error": {"code", "message", "field"?}}`; nothing a client sends may
cause a 500.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import SimpleRateThrottle

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
            return super().allow_request(request)
        except Exception:
            log.warning("Rate limit skipped: its cache is unreachable", exc_info=True)
            return True


class TokenRateThrottle(FailOpenThrottle):
    """Per token: generous for a DJ, a wall for a runaway script."""

    def __init__(self):
        super().__init__(settings.PIKA_API_RATE)

    def allow_request(self, request):
        # Read per request, so the rate follows the settings (and tests can lower it).
        self.rate = settings.PIKA_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

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
