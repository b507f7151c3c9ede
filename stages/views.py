from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from pika.access import or_404
from pika.qr import qr_png, qr_svg
from stages import live
from stages.access import set_for_public, stage_for_visitor


@never_cache
def set_page(request, code):
    dj_set = or_404(set_for_public(code))
    context = live.set_page_context(request, dj_set)
    if request.htmx:
        return render(request, "stages/live.html#live-panel", context)
    return render(request, "stages/set_page.html", context)


@never_cache
def stage_page(request, code):
    stage = or_404(stage_for_visitor(request.user, code))
    context = live.stage_page_context(request, stage)
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
