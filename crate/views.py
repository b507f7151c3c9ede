from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from crate import journal as journal_lib
from crate.access import track_to_like
from crate.models import Like
from pika.access import or_404
from pika.middleware import rate_key
from pika.views import rate_limited


def _client(group, request):
    return rate_key(group, request)


def _client_rate(group, request):
    return settings.PIKA_LIKE_RATE


def _ip_rate(group, request):
    return settings.PIKA_LIKE_IP_RATE


def _back(request, fallback):
    """Where a form without JavaScript returns to: the page it was posted from."""
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return redirect(referer)
    return redirect(fallback)


@require_POST
@ratelimit(group="likes-client", key=_client, rate=_client_rate, method="POST", block=False)
@ratelimit(group="likes-ip", key="ip", rate=_ip_rate, method="POST", block=False)
def like(request, code, pk):
    """Like (liked=1) or unlike (liked=0) a track; the dancer is whoever sends the request."""
    if request.limited:
        return rate_limited(request)
    track = or_404(track_to_like(code, pk))
    wanted = request.POST.get("liked")
    if wanted not in ("0", "1"):
        return HttpResponse(
            "Send liked=1 to like the track or liked=0 to unlike it.",
            status=400, content_type="text/plain; charset=utf-8",
        )
    Like.objects.set(request, track, wanted == "1")
    if request.htmx:
        return render(request, "crate/like.html#heart", {"track": track, "code": code})
    return _back(request, track.dj_set.get_absolute_url())


@never_cache
def journal(request):
    likes = list(Like.objects.journal(request))
    # Every track on this page is liked: the hearts need no query of their own.
    request._pika_liked_ids = {like.track_id for like in likes}
    return render(request, "crate/journal.html", {"groups": journal_lib.group(likes), "like_count": len(likes)})


EXPORTS = {
    "m3u": (journal_lib.m3u, "audio/x-mpegurl", "m3u8"),
    "csv": (journal_lib.csv_text, "text/csv", "csv"),
    "txt": (journal_lib.text, "text/plain", "txt"),
}


@never_cache
def export(request, fmt):
    build, content_type, extension = EXPORTS[fmt]
    body = build(list(Like.objects.journal(request)))
    if fmt == "csv":
        # The byte order mark is how spreadsheet apps know a CSV is UTF-8 (accents, emoji).
        body = "\ufeff" + body
    response = HttpResponse(body.encode(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pika-likes.{extension}"'
    return response
