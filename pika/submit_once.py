"""Double-submit protection for forms: each rendered form carries a one-time token.

A second POST with the same token (a double tap, a resend after bad wifi) is recognised
and does nothing twice.
"""

import secrets

from django.core.cache import cache

FIELD = "submit_token"


def new_token():
    return secrets.token_urlsafe(16)


def first_submit(request):
    """True the first time this form's token is seen, False for every repeat."""
    token = request.POST.get(FIELD, "")
    if not token or len(token) > 64:
        return True
    return cache.add(f"submit-once:{token}", 1, timeout=3600)


def token_of(request):
    return request.POST.get(FIELD, "")[:64]
