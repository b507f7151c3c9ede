import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import organizer_required
from announcements import live
from announcements.access import announcement_for_author, why_dj_cannot_announce
from announcements.forms import AnnouncementForm
from announcements.models import Announcement
from events.access import event_for_organizer
from pika import submit_once
from pika.access import or_404
from stages.access import set_for_dj, set_for_public, stage_for_visitor

SERVICE_WORKER_TYPE = "text/javascript; charset=utf-8"
# What a dancer's pages load, precached by the service worker under their hashed names, so
# a second scan paints without waiting for the venue's wifi for anything but the page.
PRECACHE = [
    "css/pika.css", "js/boot.js", "django_htmx/htmx-2.min.js", "django_htmx/ext/hx-ws-2.min.js", "js/pika.js",
    "js/likes.js", "js/crowd.js", "js/push.js", "js/announcements.js", "img/icon.svg", "img/icon-192.png",
]


# --- The installable app: service worker and manifests -------------------------------

@cache_control(no_cache=True)
def service_worker(request):
    """Served from the root so its scope is the whole site (stage and set pages)."""
    precache = [static(name) for name in PRECACHE]
    response = HttpResponse(
        render_to_string("announcements/sw.js", {
            "icon": static("img/icon-192.png"),
            "precache": precache,
            # A new list of hashed names is a new cache; the old one is dropped on activate.
            "cache_name": "pika-static-" + hashlib.sha256(" ".join(precache).encode()).hexdigest()[:12],
        }),
        content_type=SERVICE_WORKER_TYPE,
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def _manifest(name, short_name, start_url):
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": static("img/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
    ]
    response = JsonResponse({
        # Each QR target installs as its own app that opens where the dancer scanned.
        "id": start_url,
        "name": name,
        "short_name": short_name[:12],
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "background_color": "#0d0d14",
        "theme_color": "#0d0d14",
        "icons": icons,
    }, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def stage_manifest(request, code):
    stage = or_404(stage_for_visitor(request.user, code))
    return _manifest(f"{stage.name} · {stage.event.name}", stage.name, stage.get_absolute_url())


def set_manifest(request, code):
    dj_set = or_404(set_for_public(code))
    return _manifest(f"{dj_set.dj_name} · Pika!", dj_set.dj_name, dj_set.get_absolute_url())


# --- An organizer's announcement to everyone at their event --------------------------

SENT_LIMIT = 50


def _pages(reach):
    if reach["pages"] is None:
        return "every open page"  # the counts are unavailable (Redis down); the banner still goes out
    return f"{reach['pages']} open page{'s' if reach['pages'] != 1 else ''}"


@organizer_required
def event_announce(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    form = AnnouncementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not event.is_published:
            form.add_error(None, "Publish the event first: until then nobody but you can see its pages.")
            status = 409
        elif form.is_valid():
            if submit_once.first_submit(request):
                Announcement.objects.send(author=request.user, event=event, **form.cleaned_data)
                messages.success(request, f"Announcement sent to {_pages(live.reach(event=event))}.")
            return redirect("announcements:event-announce", event.slug)
    sent = Announcement.objects.for_event(event).select_related("push")[:SENT_LIMIT]
    return render(request, "announcements/event_announce.html", {
        "event": event,
        "form": form,
        "action": reverse("announcements:event-announce", args=[event.slug]),
        "reach_url": reverse("announcements:event-reach", args=[event.slug]),
        "reach": live.reach(event=event),
        "sent": sent,
        "tz": event.tzinfo,
    }, status=status)


@organizer_required
@never_cache
def event_reach(request, slug):
    """The reach preview, refreshed while the organizer writes."""
    event = or_404(event_for_organizer(request.user, slug))
    return render(request, "announcements/sent.html#reach", {
        "reach": live.reach(event=event), "reach_url": request.path,
    })


# --- A DJ's announcement to their Quick Start set -----------------------------------

@login_required
@require_POST
def set_announce(request, code):
    dj_set = or_404(set_for_dj(request.user, code))
    form = AnnouncementForm(request.POST)
    status = 400
    scope_error = why_dj_cannot_announce(dj_set)
    if scope_error:
        form.add_error(None, scope_error)
        status = 409
    elif form.is_valid():
        if submit_once.first_submit(request):
            Announcement.objects.send(author=request.user, dj_set=dj_set, **form.cleaned_data)
            reach = live.reach(dj_set=dj_set)
            messages.success(request, f"Announcement sent to {_pages(reach)}.")
        return redirect("dj:dashboard")
    # The dashboard is someone else's page: errors get a small page of their own that
    # keeps what was typed.
    return render(request, "announcements/dj_announce.html", {
        "dj_set": dj_set,
        "form": form,
        "action": reverse("announcements:set-announce", args=[dj_set.code]),
        "reach_url": reverse("announcements:set-reach", args=[dj_set.code]),
        "reach": live.reach(dj_set=dj_set),
    }, status=status)


# --- Following a sent announcement's delivery ---------------------------------------

@never_cache
def delivery(request, code):
    announcement = or_404(announcement_for_author(request.user, code))
    return render(request, "announcements/sent.html#delivery", {"announcement": announcement})


@login_required
@never_cache
def set_reach(request, code):
    """The reach preview, refreshed while the DJ writes."""
    dj_set = or_404(set_for_dj(request.user, code))
    return render(request, "announcements/sent.html#reach", {
        "reach": live.reach(dj_set=dj_set), "reach_url": request.path,
    })
