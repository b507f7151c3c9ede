"""One rule per object type: the object, or None (pages answer 404)."""

from accounts.models import ApiToken


def token_for_owner(user, pk):
    """One of the user's own API tokens."""
    if not user.is_authenticated:
        return None
    return ApiToken.objects.filter(pk=pk, user=user).first()
