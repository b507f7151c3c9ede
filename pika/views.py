from django.conf import settings
from django.db import connection
from django.contrib.staticfiles import finders
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache

from pika.api import error_response


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico by themselves (the admin, a PDF, a bookmark)."""
    path = finders.find("img/favicon.ico")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


def _redis_status():
    if not settings.REDIS_URL:
        return "disabled"
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        return "unreachable"
    finally:
        client.close()


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any driver error means the same thing here: not reachable
        database = "unreachable"
    redis_status = _redis_status()
    healthy = database == "ok" and redis_status != "unreachable"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "redis": redis_status},
        status=200 if healthy else 503,
    )


def rate_limited(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(429, "rate_limited", "Too many requests; slow down and retry.")
    return render(request, "429.html", status=429)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", "Not found.")
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", "Something went wrong on our side.")
    return render(request, "500.html", status=500)


def admin_login(request, extra_context=None):
    """The admin's sign-in, limited like allauth's own (ACCOUNT_RATE_LIMITS "login_failed":
    per address and per account): the admin is the most valuable account to guess."""
    from allauth.core import ratelimit
    from django.contrib import admin

    if request.method != "POST":
        return admin.site.login(request, extra_context)
    key = request.POST.get("username", "").strip().lower()
    if not ratelimit.consume(request, action="login_failed", key=key, dry_run=True):
        return rate_limited(request)
    response = admin.site.login(request, extra_context)
    if not request.user.is_authenticated:
        ratelimit.consume(request, action="login_failed", key=key)
    return response
