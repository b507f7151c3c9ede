"""The DJ's side in the browser: going live, typing tracks, ending the set, past sets, tokens."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Count
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticValidationError

from accounts.access import token_for_owner
from accounts.models import ApiToken
from crate import api as crate_api
from crate import exports, setlist, spotify, verification
from crate.access import track_for_dj
from crate.models import SpotifyAccount, SpotifyPlaylist, Track
from dj import agent_wheel, booth
from dj.forms import GoLiveForm, TokenForm, TrackForm
from events.models import Event, ReleasedSlot
from pika import submit_once
from pika.access import or_404
from pika.api import ApiError, error_response
from recaps.forms import VERDICT_CHOICES
from recaps.models import LobbyListing, TrackRating
from stages import live
from stages.access import set_for_dj
from stages.api import TrackIn, store_track, track_json
from stages.models import DJSet


@login_required
def dashboard(request):
    live_set = DJSet.objects.live().filter(dj=request.user).select_related("stage__event").first()
    past = (
        DJSet.objects.ended()
        .filter(dj=request.user)
        .annotate(track_count=Count("tracks"))
        .select_related("stage__event")[:50]
    )
    context = {
        "live_set": live_set,
        "past_sets": past,
        "go_live_form": GoLiveForm(initial={"dj_name": request.user.public_name}, dj=request.user),
        "track_form": TrackForm(),
        "tokens": request.user.api_tokens.all(),
        "gigs": list(ReleasedSlot.objects.gigs_of(request.user, timezone.now())[:20]),
        "mode": "event" if request.GET.get("mode") == "event" else "quick",
        "follow_poll_ms": settings.PIKA_FOLLOW_POLL_SECONDS * 1000,
        "follow_settle_ms": settings.PIKA_FOLLOW_SETTLE_SECONDS * 1000,
        # Without Spotify set up, the dashboard costs no Spotify query.
        "spotify_configured": spotify.configured(),
        "spotify_link": SpotifyAccount.of_dj(request.user) if spotify.configured() else None,
    }
    if live_set:
        context.update(live.live_context(live_set))
        context["drives_stage"] = live_set.drives_stage()
    elif context["mode"] == "event":
        context.update(_event_mode_choices(request.GET.get("event", "")))
        if request.htmx:
            return render(request, "dj/dashboard.html#event-mode", context)
    return render(request, "dj/dashboard.html", context)


def _event_mode_choices(slug):
    """Event Mode: the published events on now or soon, and the chosen one's stages."""
    events = list(
        Event.objects.published()
        .filter(ends_on__gte=timezone.localdate() - timedelta(days=1))
        .order_by("starts_on", "name")
    )
    chosen = next((event for event in events if event.slug == slug), None)
    if chosen is None and len(events) == 1:
        chosen = events[0]
    # Who is live on each stage: no locking, DJs see it and coordinate in the room.
    return {"events": events, "chosen_event": chosen, "stage_choices": live.stage_cards(chosen) if chosen else []}


@login_required
@require_POST
def go_live(request):
    form = GoLiveForm(request.POST, dj=request.user)
    if not form.is_valid():
        messages.error(request, "Not live yet: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("dj:dashboard") + ("?mode=event" if request.POST.get("stage") else ""))
    stage = form.cleaned_data["stage"]
    if submit_once.first_submit(request):
        dj_set, ended = DJSet.objects.go_live(request.user, form.cleaned_data["dj_name"].strip(), stage)
        if stage is None and form.cleaned_data["listed"]:
            LobbyListing.objects.list_set(dj_set)
        if ended:
            messages.info(request, "Your previous set was still live; it has been ended.")
        if stage:
            messages.success(request, f"You're live on {stage.name}! Everyone who scanned its QR code sees your tracks.")
        else:
            messages.success(request, "You're live! Share the QR code.")
    return redirect("dj:dashboard")


@login_required
@require_POST
def post_track(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    form = TrackForm(request.POST)
    status = 200
    if not dj_set.is_live:
        form.add_error(None, "This set has ended.")
        status = 409
    elif form.is_valid():
        # The form's one-time token doubles as source_id: a double tap stores one track.
        dj_set.add_track(
            artist=form.cleaned_data["artist"].strip(),
            title=form.cleaned_data["title"].strip(),
            source_id="web-" + submit_once.token_of(request) if submit_once.token_of(request) else "",
        )
        form = TrackForm()
    else:
        status = 400
    if request.htmx:
        return render(request, "dj/dashboard.html#track-form", {"live_set": dj_set, "track_form": form}, status=status)
    if status != 200:
        messages.error(request, "The track was not added: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
    return redirect("dj:dashboard")


@require_POST
def follow_track(request, code):
    """A play the dashboard's follower read from the DJ software: the token API's JSON,
    checks and source_id deduplication, signed in by the session and CSRF-checked."""
    if not request.user.is_authenticated:
        return error_response(401, "signed_out", "You are signed out; sign in again to keep following.")
    dj_set = set_for_dj(request.user, code)
    if dj_set is None:
        return error_response(404, "not_found", "No such set.")
    try:
        body = request.body
    except RequestDataTooBig:
        return error_response(413, "too_large", "The body is too large for one track.")
    try:
        payload = TrackIn.model_validate(json.loads(body))
    except (ValueError, UnicodeDecodeError) as error:
        field = None
        if isinstance(error, PydanticValidationError) and error.errors():
            loc = error.errors()[0].get("loc") or ()
            field = str(loc[0]) if loc else None
        message = f"{field} is missing or invalid." if field else "The body must be a JSON object of a track."
        return error_response(400, "invalid_field" if field else "invalid_body", message, field)
    try:
        track = store_track(dj_set, payload)
    except ApiError as error:
        return error_response(error.status, error.code, error.message, error.field)
    return JsonResponse(track_json(track), status=201)


@login_required
@require_POST
def end_set(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    if dj_set.end():
        messages.success(request, "Set ended. Thanks for the music!")
        if dj_set.tracks.exists():
            # The moment the set is fresh in mind is the moment to verify it.
            return redirect("dj:verify-set", dj_set.code)
    return redirect("dj:dashboard")


@login_required
def past_set(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    tracks = dj_set.tracks.order_by("played_at", "pk")
    context = {"dj_set": dj_set, "tracks": tracks, "tz": dj_set.tz, "spotify_configured": spotify.configured()}
    # Without Spotify set up, the page costs no Spotify query.
    if spotify.configured():
        playlist = SpotifyPlaylist.objects.filter(dj_set=dj_set).first()
        choices = exports.choices(request.user, playlist)
        context.update(playlist=playlist, spotify=choices, spotify_ready=bool(choices["dj"] or choices["curator"]))
        if playlist and playlist.playlist_id:
            # What the playlist lacks, by name: the tracks not matched to a Spotify recording.
            context["not_exported"] = [
                entry["track"] for entry in setlist.rows(dj_set)
                if not (entry["identity"] and entry["identity"].spotify_uri)
            ]
    return render(request, "dj/past_set.html", context)


@login_required
def live_view(request, code):
    """The booth: a full-screen, glanceable view of the live set for a tablet or laptop."""
    dj_set = or_404(set_for_dj(request.user, code))
    if not dj_set.is_live:
        return redirect("recaps:logbook", dj_set.code)
    context = live.live_context(dj_set)
    recent = ([context["current"]] if context["current"] else []) + context["earlier"][:booth.RATED_PLAYS - 1]
    ratings = {r.track_id: r for r in TrackRating.objects.filter(track__in=recent)}
    for track in recent:
        track.rating = ratings.get(track.pk)
    context.update(booth.likes_context(dj_set), recent_plays=recent, verdict_choices=VERDICT_CHOICES)
    return render(request, "dj/live_view.html", context)


# API tokens: created and revoked on the dashboard.

def _tokens_response(request, form, new_secret=None, status=200):
    context = {"tokens": request.user.api_tokens.all(), "token_form": form, "new_secret": new_secret}
    if new_secret:
        context["install_line"] = agent_wheel.install_line(settings.PIKA_BASE_URL, new_secret)
    if request.htmx:
        return render(request, "dj/dashboard.html#tokens", context, status=status)
    if new_secret:
        # Without JavaScript the secret still shows once, on its own page.
        return render(request, "dj/token_created.html", context)
    return redirect("dj:dashboard")


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_response(request, form, status=400)
    if not submit_once.first_submit(request):
        return _tokens_response(request, TokenForm())
    _, secret = ApiToken.issue(request.user, form.cleaned_data["name"])
    return _tokens_response(request, TokenForm(), new_secret=secret)


@login_required
@require_POST
def revoke_token(request, pk):
    or_404(token_for_owner(request.user, pk)).revoke()
    return _tokens_response(request, TokenForm())


def agent_download(request, filename):
    """The pika-dj agent's wheel, at a stable address for its version (public: it holds
    no secret, and a DJ installs it from a terminal without signing in)."""
    if filename != agent_wheel.wheel_name():
        raise Http404
    return FileResponse(open(agent_wheel.wheel_path(), "rb"), as_attachment=True, filename=filename,
                        content_type="application/octet-stream")


# Verify your tracks: each played track tied to a recording, with the crowd's suggestions.

def _verify_page(request, dj_set, errors=None, status=200):
    entries = verification.entries(dj_set.tracks.order_by("played_at", "pk"))
    errors = errors or {}
    for entry in entries:
        entry["error"], entry["spotify_input"] = errors.get(entry["id"], ("", ""))
    context = {
        "dj_set": dj_set,
        "entries": entries,
        "matched": sum(1 for entry in entries if entry["identity"] is not None),
        "skipped": sum(1 for entry in entries if entry["identity"] is None and entry["skipped"]),
        "total": len(entries),
        "spotify_configured": spotify.configured(),
    }
    return render(request, "dj/verify.html", context, status=status)


@login_required
def verify_set(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    verification.queue_spotify_search(dj_set)
    return _verify_page(request, dj_set)


@login_required
@require_POST
def verify_track(request, code, track_id):
    dj_set = or_404(set_for_dj(request.user, code))
    played = or_404(track_for_dj(request.user, track_id))
    if played.dj_set_id != dj_set.pk:
        raise Http404
    action = request.POST.get("action", "")
    spotify = request.POST.get("spotify", "")
    if action == "reject":
        # "Not this one" on a suggestion or on the match: the page's own answer (the
        # token API's four stay as the contract says).
        identity_id = request.POST.get("identity", "")
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        identity = Track.objects.filter(pk=int(identity_id)).first() if identity_id.isdecimal() and int(identity_id) < 2**63 else None
        if identity is None:
            return _verify_page(request, dj_set, {played.pk: ("No recording has that id.", "")}, status=400)
        verification.reject(request.user, played, identity)
        return redirect(reverse("dj:verify-set", args=[dj_set.code]) + f"#track-{played.pk}")
    fields = {"confirm": True} if action == "confirm" else {"skip": True} if action == "skip" else {}
    if action == "identity":
        # Not a number: an id no recording has (0 would read as "no answer").
        fields = {"identity": int(request.POST["identity"]) if request.POST.get("identity", "").isdecimal() else -1}
    elif action == "spotify":
        fields = {"spotify": spotify}
    try:
        crate_api.answer(request.user, played, crate_api.VerificationIn(**fields))
    except ApiError as error:
        return _verify_page(request, dj_set, {played.pk: (error.message, spotify)}, status=400)
    return redirect(reverse("dj:verify-set", args=[dj_set.code]) + f"#track-{played.pk}")
