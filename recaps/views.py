"""The recap (public once the set ended), the DJ's logbook with its CSV, their ratings,
and the lobby."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pika.access import or_404
from recaps import lobby, stats
from recaps.access import recap_for_public, track_to_rate
from recaps.forms import VERDICT_CHOICES, RatingForm
from recaps.models import TrackRating
from stages.access import set_for_dj


def recap(request, code):
    dj_set = or_404(recap_for_public(code))
    return render(request, "recaps/recap.html", {
        **stats.recap(dj_set), "page_url": request.build_absolute_uri(),
    })


@never_cache
def logbook(request, code):
    # Everyone but the set's DJ gets the same 404, signed in or not: nobody learns it exists.
    dj_set = or_404(set_for_dj(request.user, code))
    return render(request, "recaps/logbook.html", {**stats.logbook(dj_set), "verdict_choices": VERDICT_CHOICES})


@never_cache
def logbook_csv(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    body = "\ufeff" + stats.logbook_csv(dj_set, stats.logbook(dj_set))
    response = HttpResponse(body.encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pika-logbook-{dj_set.code}.csv"'
    return response


@require_POST
def rate_track(request, code, track_id):
    """The DJ's verdict (peak / neutral / brick, or none) and private note on one play."""
    dj_set, track = or_404(track_to_rate(request.user, code, track_id))
    form = RatingForm(request.POST)
    # The live view's forms come back to it; the logbook's to the logbook.
    back = "live" if request.POST.get("back") == "live" else ""
    if not form.is_valid():
        track.rating = TrackRating(track=track, verdict=request.POST.get("verdict", "")[:8],
                                   note=request.POST.get("note", "")[:1000])
        return render(request, "recaps/logbook.html#rating", {
            "dj_set": dj_set, "track": track, "form": form, "verdict_choices": VERDICT_CHOICES,
            "back": back}, status=400)
    track.rating, _ = TrackRating.objects.update_or_create(track=track, defaults={
        "verdict": form.cleaned_data["verdict"], "note": form.cleaned_data["note"], "updated_at": timezone.now(),
    })
    if request.htmx:
        return render(request, "recaps/logbook.html#rating", {
            "dj_set": dj_set, "track": track, "saved": True, "verdict_choices": VERDICT_CHOICES,
            "back": back})
    if back:
        return redirect("dj:live-view", dj_set.code)
    return redirect(reverse("recaps:logbook", args=[dj_set.code]) + f"#play-{track.pk}")


@never_cache
def lobby_page(request):
    return render(request, "recaps/lobby.html", {
        "live_sets": lobby.live_now(),
        "top_tracks": lobby.most_liked_this_month(),
        "recaps": lobby.recent_recaps(),
        "month": lobby.month_start(),
    })
