"""The DJ's side in the browser: going live, typing tracks, ending the set, past sets, tokens."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import token_for_owner
from accounts.models import ApiToken
from dj.forms import GoLiveForm, TokenForm, TrackForm
from events.models import Event
from pika import submit_once
from pika.access import or_404
from stages import live
from stages.access import set_for_dj
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
        "go_live_form": GoLiveForm(initial={"dj_name": request.user.public_name}),
        "track_form": TrackForm(),
        "tokens": request.user.api_tokens.all(),
        "mode": "event" if request.GET.get("mode") == "event" else "quick",
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
    form = GoLiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not live yet: " + " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(reverse("dj:dashboard") + ("?mode=event" if request.POST.get("stage") else ""))
    if submit_once.first_submit(request):
        stage = form.cleaned_data["stage"]
        dj_set, ended = DJSet.objects.go_live(request.user, form.cleaned_data["dj_name"].strip(), stage)
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


@login_required
@require_POST
def end_set(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    if dj_set.end():
        messages.success(request, "Set ended. Thanks for the music!")
    return redirect("dj:dashboard")


@login_required
def past_set(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    tracks = dj_set.tracks.order_by("played_at", "pk")
    return render(request, "dj/past_set.html", {"dj_set": dj_set, "tracks": tracks, "tz": dj_set.tz})


# API tokens: created and revoked on the dashboard.

def _tokens_response(request, form, new_secret=None, status=200):
    context = {"tokens": request.user.api_tokens.all(), "token_form": form, "new_secret": new_secret}
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
