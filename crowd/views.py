"""The floor's taps (tempo vote, thank-you, poll answer) and the DJ's poll controls."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from crowd import live
from crowd.access import poll_for_dj, poll_of_set, track_of_set
from crowd.models import PRESETS, Poll, Refused, TempoVote, ThankYou, dancer
from pika.access import or_404
from pika.middleware import rate_key
from pika.views import rate_limited
from stages.access import set_for_dj


def _client_rate(group, request):
    return settings.PIKA_CROWD_RATE


def _ip_rate(group, request):
    return settings.PIKA_CROWD_IP_RATE


def limited(view):
    """Per dancer and per IP address, one allowance for every crowd tap (as likes are)."""
    view = ratelimit(group="crowd-ip", key="ip", rate=_ip_rate, method="POST", block=False)(view)
    return ratelimit(group="crowd-client", key=rate_key, rate=_client_rate, method="POST", block=False)(view)


def _refused(error):
    return HttpResponse(str(error), status=error.status, content_type="text/plain; charset=utf-8")


def _back(request, fallback):
    """Where a form without JavaScript returns to: the page it was posted from."""
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return redirect(referer)
    return redirect(fallback)


@require_POST
@limited
def tempo(request, code, pk):
    """Vote slower, perfect or faster on the current track, or vote=none to clear."""
    if request.limited:
        return rate_limited(request)
    track = or_404(track_of_set(code, pk))
    vote = request.POST.get("vote")
    if vote not in ("slower", "perfect", "faster", "none"):
        return _refused(Refused("Send vote=slower, perfect, faster, or none to clear your vote.", status=400))
    try:
        choice = TempoVote.objects.cast(dancer(request), track, None if vote == "none" else vote)
    except Refused as error:
        return _refused(error)
    if request.htmx:
        return render(request, "crowd/floor.html#tempo", live.tap_context(track, mine_tempo=choice or ""))
    return _back(request, track.dj_set.get_absolute_url())


@require_POST
@limited
def thanks(request, code, pk):
    """One thank-you for a track of a live set; again changes nothing."""
    if request.limited:
        return rate_limited(request)
    track = or_404(track_of_set(code, pk))
    try:
        ThankYou.objects.send(dancer(request), track)
    except Refused as error:
        return _refused(error)
    if request.htmx:
        return render(request, "crowd/floor.html#thanks", live.tap_context(track, mine_thanks=True))
    return _back(request, track.dj_set.get_absolute_url())


@require_POST
@limited
def answer(request, code, poll_code):
    """The dancer's one answer to the set's poll: option=<its position, from 0>."""
    if request.limited:
        return rate_limited(request)
    poll = or_404(poll_of_set(code, poll_code))
    position = request.POST.get("option", "")
    if not position.isdigit() or len(position) > 3:
        return _refused(Refused("Send option=<number of the option, from 0>.", status=400))
    try:
        poll.answer(dancer(request), int(position))
    except Refused as error:
        return _refused(error)
    if request.htmx:
        return render(request, "crowd/floor.html#poll-slot", live.poll_context(poll.dj_set, request))
    return _back(request, poll.dj_set.get_absolute_url())


# The DJ's poll controls (the dashboard and the live view).

def _panel_answer(request, dj_set, error=None, status=200):
    if request.htmx:
        context = {**live.dj_panel_context(dj_set), "error": error}
        return render(request, "crowd/dj_panel.html#poll", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("/dj/")


def poll_from_form(data):
    """(question, options, duration, preset) from the new-poll form; Refused if garbled."""
    preset = data.get("preset", "")
    if preset:
        if preset not in PRESETS:
            raise Refused("No such quick poll.", status=400, code="invalid", field="preset")
        question, options = PRESETS[preset]
    else:
        question, options = data.get("question", ""), data.getlist("option")
    duration = data.get("duration", "")
    if duration and not duration.isdigit():
        raise Refused("Run it 1, 2 or 5 minutes, or leave it open.", status=400, code="invalid", field="duration")
    return question, options, int(duration) if duration else None, preset


@login_required
@require_POST
def start_poll(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    try:
        question, options, duration, preset = poll_from_form(request.POST)
        Poll.objects.start(dj_set, question, options, duration, preset)
    except Refused as error:
        return _panel_answer(request, dj_set, str(error), error.status)
    return _panel_answer(request, dj_set)


@login_required
@require_POST
def end_poll(request, code, poll_code, cancel=False):
    poll = or_404(poll_for_dj(request.user, poll_code, set_code=code))
    poll.end(cancel=cancel)
    return _panel_answer(request, poll.dj_set)


@login_required
@require_POST
def cancel_poll(request, code, poll_code):
    return end_poll(request, code, poll_code, cancel=True)
