from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pika import live as groups
from pika.access import or_404
from pika.qr import qr_png, qr_svg
from stages import live
from stages.access import set_for_public, stage_for_visitor


@never_cache
def set_page(request, code):
    dj_set = or_404(set_for_public(code))
    versions = groups.page_versions(groups.set_page_groups(dj_set.pk))
    context = dict(live.live_context(dj_set), live_versions=versions)
    if request.htmx:
        return render(request, "stages/live.html#live-panel", context)
    return render(request, "stages/set_page.html", context)


@never_cache
def stage_page(request, code):
    stage = or_404(stage_for_visitor(request.user, code))
    versions = groups.page_versions(groups.stage_page_groups(stage.pk, stage.event_id))
    context = dict(live.live_context(stage.current_set(), stage), live_versions=versions)
    context["cards"] = live.stage_cards(stage.event)
    context["is_preview"] = not stage.event.is_visible_publicly()
    if request.htmx:
        return render(request, "stages/live.html#live-panel", context)
    return render(request, "stages/stage_page.html", context)


def _qr_response(request, url, fmt, name, public=True):
    if fmt == "png":
        response = HttpResponse(qr_png(url), content_type="image/png")
    else:
        response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="pika-{name}.{fmt}"'
    # A draft event's stage is the organizer's secret until it is published: no shared
    # cache (a venue proxy, a CDN) may keep its code for anyone else.
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


def set_qr(request, code, fmt):
    dj_set = or_404(set_for_public(code))
    return _qr_response(request, dj_set.public_url, fmt, dj_set.code)


def stage_qr(request, code, fmt):
    stage = or_404(stage_for_visitor(request.user, code))
    return _qr_response(request, stage.public_url, fmt, stage.code, public=stage.event.is_visible_publicly())
