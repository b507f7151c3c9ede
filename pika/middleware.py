import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

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
