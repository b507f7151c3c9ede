from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.models import Event
from pika import submit_once
from pika.qr import qr_png, qr_svg
from stages import live
from stages.access import set_for_dj, set_for_public, stage_for_visitor
from stages.forms import GoLiveForm, TrackForm
from stages.models import DJSet


@never_cache
def set_page(request, code):
    dj_set = set_for_public(code)
    versions = live.page_versions(live.set_page_groups(dj_set))
    context = dict(live.live_context(dj_set), live_versions=versions)
    if request.htmx:
        return render(request, "stages/live.html#live-panel", context)
    return render(request, "stages/set_page.html", context)


@never_cache
def stage_page(request, code):
    stage = stage_for_visitor(request.user, code)
    versions = live.page_versions(live.stage_page_groups(stage))
    context = dict(live.live_context(stage.current_set(), stage), live_versions=versions)
    context["cards"] = live.stage_cards(stage.event)
    context["is_preview"] = not stage.event.is_visible_publicly()
    if request.htmx:
        return render(request, "stages/live.html#live-panel", context)
    return render(request, "stages/stage_page.html", context)


def _qr_response(request, url, fmt, name):
    if fmt == "png":
        response = HttpResponse(qr_png(url), content_type="image/png")
    else:
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="pika-{name}.{fmt}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


def set_qr(request, code, fmt):
    dj_set = set_for_public(code)
    return _qr_response(request, dj_set.public_url, fmt, dj_set.code)


def stage_qr(request, code, fmt):
    stage = stage_for_visitor(request.user, code)
    return _qr_response(request, stage.public_url, fmt, stage.code)


# The DJ's side: going live, typing tracks, ending the set, past sets.

@login_required
def dashboard(request):
    live_set = DJSet.objects.live().filter(dj=request.user).select_related("stage__event").first()
    past = (
        DJSet.objects.ended()
        .filter(dj=request.user)
        .annotate(track_count=Count("tracks"))
        .select_related("stage__event")[:50]
    )
    for set_ in past:
        # Times of a set played at an event read in the event's time zone.
        set_.tz = set_.stage.event.tzinfo if set_.stage else timezone.get_current_timezone()
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
            return render(request, "stages/dashboard.html#event-mode", context)
    return render(request, "stages/dashboard.html", context)


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
        return redirect(reverse("stages:dashboard") + ("?mode=event" if request.POST.get("stage") else ""))
    if submit_once.first_submit(request):
        stage = form.cleaned_data["stage"]
        dj_set, ended = DJSet.objects.go_live(request.user, form.cleaned_data["dj_name"].strip(), stage)
        if ended:
            messages.info(request, "Your previous set was still live; it has been ended.")
        if stage:
            messages.success(request, f"You're live on {stage.name}! Everyone who scanned its QR code sees your tracks.")
        else:
            messages.success(request, "You're live! Share the QR code.")
    return redirect("stages:dashboard")


@login_required
@require_POST
def post_track(request, code):
    dj_set = set_for_dj(request.user, code)
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
        return render(request, "stages/dashboard.html#track-form", {"live_set": dj_set, "track_form": form}, status=status)
    if status != 200:
        messages.error(request, "The track was not added: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
    return redirect("stages:dashboard")


@login_required
@require_POST
def end_set(request, code):
    dj_set = set_for_dj(request.user, code)
    if dj_set.end():
        messages.success(request, "Set ended. Thanks for the music!")
    return redirect("stages:dashboard")


@login_required
def past_set(request, code):
    dj_set = set_for_dj(request.user, code)
    tracks = dj_set.tracks.order_by("played_at", "pk")
    tz = dj_set.stage.event.tzinfo if dj_set.stage else timezone.get_current_timezone()
    return render(request, "stages/past_set.html", {"dj_set": dj_set, "tracks": tracks, "tz": tz})
