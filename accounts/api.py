"""How the token API knows a DJ: their API token."""

from ninja.security import HttpBearer

from accounts.models import ApiToken


class DjToken(HttpBearer):
    """`Authorization: Bearer <token>`: a DJ's API token, checked against its hash."""

    def authenticate(self, request, token):
        api_token = ApiToken.objects.authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        return api_token
