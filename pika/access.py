"""How each edge says no.

Each app's access.py answers "may this person see (or drive) this?" once per object type,
with the object or None. The edges translate None their own way: a page answers 404
(`or_404`), the token API a JSON error (`pika.api.or_not_found`), a socket closes with
4404 (`pika.consumers.LiveConsumer`).
"""

from django.http import Http404


def or_404(found):
    """For pages: what an access helper found, or the 404 page."""
    if found is None:
        raise Http404
    return found
