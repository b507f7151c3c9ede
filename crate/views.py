import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from crate import exports, setlist, spotify
from crate import journal as journal_lib
from crate.access import track_to_like
from crate.models import Like, SpotifyAccount, SpotifyPlaylist
from pika.access import or_404
from pika.middleware import rate_key
from pika.views import rate_limited
from stages.access import set_for_dj, set_for_public


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
    context = {"groups": journal_lib.group(likes), "like_count": len(likes), "spotify_configured": spotify.configured()}
    if spotify.configured() and request.user.is_authenticated:
        playlist = SpotifyPlaylist.objects.filter(likes_of=request.user).first()
        context["likes_playlist"] = playlist
        if playlist and playlist.playlist_id:
            # Once exported: the liked songs the playlist lacks, each with its search links.
            matched = exports.spotify_uris([like.track_id for like in likes])
            context["not_in_playlist"] = [like for like in likes if like.track_id not in matched]
    return render(request, "crate/journal.html", context)


EXPORTS = {
    "m3u": (journal_lib.m3u, "audio/x-mpegurl", "m3u8"),
    "csv": (journal_lib.csv_text, "text/csv", "csv"),
    "txt": (journal_lib.text, "text/plain", "txt"),
}


@never_cache
def export(request, fmt):
    build, content_type, extension = EXPORTS[fmt]
    return _download(build(list(Like.objects.journal(request))), fmt, content_type, f"pika-likes.{extension}")


def _download(body, fmt, content_type, filename):
    if fmt == "csv":
        # The byte order mark is how spreadsheet apps know a CSV is UTF-8 (accents, emoji).
        body = "\ufeff" + body
    response = HttpResponse(body.encode(), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


SETLIST_EXPORTS = {
    "m3u": (setlist.m3u, "audio/x-mpegurl", "m3u8"),
    "csv": (setlist.csv_text, "text/csv", "csv"),
    "txt": (setlist.text, "text/plain", "txt"),
}


def setlist_page(request, code):
    """A set's tracklist for anyone with its link: shareable, previews on social media."""
    dj_set = or_404(set_for_public(code))
    entries = setlist.rows(dj_set)
    return render(request, "crate/setlist.html", {
        "dj_set": dj_set, "entries": entries, "title": setlist.title(dj_set),
        "summary": setlist.summary([entry["track"] for entry in entries]), "page_url": request.build_absolute_uri(),
    })


def setlist_export(request, code, fmt):
    dj_set = or_404(set_for_public(code))
    build, content_type, extension = SETLIST_EXPORTS[fmt]
    return _download(build(dj_set, setlist.rows(dj_set)), fmt, content_type, f"pika-setlist-{dj_set.code}.{extension}")


# Spotify: the owner connects the curator account once; a DJ may connect their own. Both
# sign in through the same PKCE flow and the same callback (the one redirect URI the
# operator registers with Spotify); the session remembers whose sign-in it is.

def _owner(request):
    return request.user.is_authenticated and request.user.is_superuser


def _start_sign_in(request, for_dj):
    verifier, challenge = spotify.new_pkce()
    state = secrets.token_urlsafe(24)
    request.session["spotify_pkce"] = {
        "state": state, "verifier": verifier, "for": "dj" if for_dj else "curator", "user": request.user.pk,
    }
    return redirect(spotify.authorize_url(state, challenge))


def spotify_connect(request):
    if not _owner(request):
        raise Http404
    if not spotify.configured():
        return render(request, "crate/spotify.html", {"configured": False}, status=503)
    return _start_sign_in(request, for_dj=False)


@login_required
@require_GET
def dj_spotify_connect(request):
    # A link, not a form: the CSP's form-action 'self' would stop a form's redirect to Spotify.
    if not spotify.configured():
        messages.error(request, "Spotify is not set up on this Pika!: your setlists' downloads work without it.")
        return redirect("/dj/")
    return _start_sign_in(request, for_dj=True)


def _sign_in_tokens(request, pending):
    """(tokens, me) for the callback's code, or raises the Spotify error to show."""
    tokens = spotify.exchange_code(request.GET["code"], pending["verifier"])
    probe = SpotifyAccount(spotify_user_id="", expires_at=timezone.now())
    probe.set_tokens(tokens)
    return tokens, spotify.SpotifyClient(probe).me()


def spotify_callback(request):
    if not request.user.is_authenticated:
        raise Http404
    pending = request.session.pop("spotify_pkce", None)
    for_dj = pending is not None and pending.get("for") == "dj" and pending.get("user") == request.user.pk
    if not for_dj and not _owner(request):
        # A DJ back at a stale or foreign sign-in link: say so on their dashboard.
        messages.error(request, "That Spotify sign-in is stale or was not started here: connect again.")
        return redirect("/dj/")
    stale = (not pending or (pending.get("for") == "dj") != for_dj
             or request.GET.get("state") != pending["state"] or not request.GET.get("code"))
    error = (request.GET.get("error") or "That sign-in link is stale or was not started here: connect again.") if stale else ""
    account = None
    if not error:
        try:
            tokens, me = _sign_in_tokens(request, pending)
        except (spotify.SpotifyError, spotify.SpotifyUnavailable) as failure:
            error = str(failure)
        else:
            account = SpotifyAccount.connect(request.user if for_dj else None, tokens, me)
    if for_dj:
        if error:
            messages.error(request, f"Your Spotify account is not connected: {error}")
        else:
            messages.success(request, f"Spotify connected as {account}. Export to Spotify can now use your own account.")
        return redirect("/dj/")
    if error:
        return render(request, "crate/spotify.html", {"configured": spotify.configured(), "error": error},
                      status=400 if stale else 502)
    return render(request, "crate/spotify.html", {"configured": True, "account": account})


@login_required
@require_POST
def dj_spotify_disconnect(request):
    deleted = SpotifyAccount.objects.filter(owner=request.user).delete()[0]
    if deleted:
        messages.success(request, "Your Spotify account is disconnected: Pika! keeps no token of it. "
                                  "Playlists you exported stay in your Spotify.")
    return redirect("/dj/")


@login_required
@require_POST
def spotify_export(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    playlist = exports.export_set(dj_set, request.POST.get("under"))
    messages.info(request, playlist.message)
    # The DJ's set page lives in the dj app, above this one: its address, not its name.
    return redirect(f"/dj/sets/{dj_set.code}")


@login_required
@require_POST
def spotify_export_likes(request):
    playlist = exports.export_likes(request.user)
    messages.info(request, playlist.message)
    return redirect("crate:journal")
