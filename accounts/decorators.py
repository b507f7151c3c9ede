"""The gate in front of the organizer pages."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def organizer_required(view):
    """Approved organizers only: visitors sign in first, everybody else is invited to apply."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_organizer:
            messages.info(request, "Organizer pages are for approved organizers. Apply below — it only takes a minute.")
            return redirect("accounts:organizer-apply")
        return view(request, *args, **kwargs)

    return wrapper
