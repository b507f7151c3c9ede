from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pika import submit_once
from pika.qr import qr_png, qr_svg
from stages import live
from stages.access import session_for_dj, session_for_public, stage_for_visitor
from stages.forms import GoLiveForm, TrackForm
from stages.models import LiveSession


@never_cache
def session_page(request, code):
    session = session_for_public(code)
    context = live.live_context(session)
    if request.htmx:
        return render(request, "stages/session_page.html#live-panel", context)
    return render(request, "stages/session_page.html", context)


@never_cache
def stage_page(request, code):
    stage = stage_for_visitor(request.user, code)
    context = live.live_context(stage.current_session(), stage)
    context["cards"] = live.stage_cards(stage.event)
    context["is_preview"] = not stage.event.is_visible_publicly()
    if request.htmx:
        return render(request, "stages/stage_page.html#live-panel", context)
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


def session_qr(request, code, fmt):
    session = session_for_public(code)
    return _qr_response(request, session.public_url, fmt, session.code)


def stage_qr(request, code, fmt):
    stage = stage_for_visitor(request.user, code)
    return _qr_response(request, stage.public_url, fmt, stage.code)


# The DJ's side: going live, typing tracks, ending the set, past sets.

@login_required
def dashboard(request):
    live_set = LiveSession.objects.live().filter(dj=request.user).select_related("stage__event").first()
    past = (
        LiveSession.objects.ended()
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
    }
    if live_set:
        context.update(live.live_context(live_set))
    return render(request, "stages/dashboard.html", context)


@login_required
@require_POST
def go_live(request):
    form = GoLiveForm(request.POST)
    if form.is_valid() and submit_once.first_submit(request):
        session, ended = LiveSession.objects.go_live(request.user, form.cleaned_data["dj_name"].strip())
        if ended:
            messages.info(request, "Your previous set was still live; it has been ended.")
        messages.success(request, "You're live! Share the QR code.")
    return redirect("stages:dashboard")


@login_required
@require_POST
def post_track(request, code):
    session = session_for_dj(request.user, code)
    form = TrackForm(request.POST)
    status = 200
    if not session.is_live:
        form.add_error(None, "This set has ended.")
        status = 409
    elif form.is_valid():
        # The form's one-time token doubles as source_id: a double tap stores one track.
        session.add_track(
            artist=form.cleaned_data["artist"].strip(),
            title=form.cleaned_data["title"].strip(),
            source_id="web-" + submit_once.token_of(request) if submit_once.token_of(request) else "",
        )
        form = TrackForm()
    else:
        status = 400
    if request.htmx:
        return render(request, "stages/dashboard.html#track-form", {"live_set": session, "track_form": form}, status=status)
    if status != 200:
        messages.error(request, "The track was not added: " + " ".join(
            str(e) for errors in form.errors.values() for e in errors))
    return redirect("stages:dashboard")


@login_required
@require_POST
def end_set(request, code):
    session = session_for_dj(request.user, code)
    if session.end():
        messages.success(request, "Set ended. Thanks for the music!")
    return redirect("stages:dashboard")


@login_required
def past_set(request, code):
    session = session_for_dj(request.user, code)
    tracks = session.tracks.order_by("played_at", "pk")
    return render(request, "stages/past_set.html", {"session": session, "tracks": tracks})
