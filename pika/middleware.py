import secrets

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

