"""The timetable's pages: the organizer's draft, preview and publish; the public
timetable, stars, the venue screen and the calendar feeds."""

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from accounts.decorators import organizer_required
from events import calendar, live_timetable, timetable
from events.access import (
    event_for_organizer, event_for_visitor, feed_by_token, released_slot_for_visitor, slot_for_organizer,
)
from events.forms import DuplicateNightForm, PublishForm, SlotForm
from events.models import CalendarFeed, NothingToPublish, Release, ReleasedSlot, Slot, Star
from pika import submit_once
from pika.access import or_404
from pika.views import rate_limited
from stages.access import stage_for_public


def _nights(event):
    days = (event.ends_on - event.starts_on).days + 1
    return [date.fromordinal(event.starts_on.toordinal() + offset) for offset in range(max(days, 1))]


def _filters(request, event):
    """The night and stage a page is filtered to (None: all), from ?night= and ?stage=."""
    try:
        night = date.fromisoformat(request.GET.get("night", ""))
    except ValueError:
        night = None
    stage = event.stages.filter(code=request.GET.get("stage", "")).first() if request.GET.get("stage") else None
    return night, stage


def _group_by_night(rows, tz):
    nights = []
    for row in rows:
        night = timetable.night_of(row.starts_at, tz)
        if not nights or nights[-1][0] != night:
            nights.append((night, []))
        nights[-1][1].append(row)
    return nights


# --- The organizer's side ---------------------------------------------------------------

def _editor_context(request, event, form=None, duplicate=None):
    night, stage = _filters(request, event)
    slots = event.slots.in_draft().select_related("stage").in_order()
    if night:
        slots = slots.on_night(event, night)
    if stage:
        slots = slots.filter(stage=stage)
    latest = Release.objects.latest_for(event)
    feed = CalendarFeed.objects.filter(kind=CalendarFeed.Kind.EVENT, event=event, revoked_at__isnull=True).first()
    return {
        "event": event, "tz": event.tzinfo, "slots": list(slots), "form": form or SlotForm(event),
        "duplicate": duplicate or DuplicateNightForm(event), "nights": _nights(event), "night": night,
        "stage_filter": stage, "stages": list(event.stages.all()), "latest": latest, "feed": feed,
        "base_url": settings.PIKA_BASE_URL,
    }


@organizer_required
@never_cache
def timetable_edit(request, slug):
    """The draft: a table of slots, an add form, filters by night and stage."""
    event = or_404(event_for_organizer(request.user, slug))
    if request.method == "POST":
        form = SlotForm(event, request.POST)
        if form.is_valid():
            if submit_once.first_submit(request):
                slot = form.save()
                messages.success(request, f"Added {slot.dj_name} on {slot.stage.name}.")
            if request.htmx:
                return render(request, "events/timetable_edit.html#editor", _editor_context(request, event))
            return redirect(reverse("events:timetable-edit", args=[event.slug]) + _query(request))
        context = _editor_context(request, event, form=form)
        if request.htmx:
            return render(request, "events/timetable_edit.html#editor", context)
        return render(request, "events/timetable_edit.html", context, status=400)
    context = _editor_context(request, event)
    if request.htmx:
        return render(request, "events/timetable_edit.html#editor", context)
    return render(request, "events/timetable_edit.html", context)


def _query(request):
    keep = {key: request.GET[key] for key in ("night", "stage") if request.GET.get(key)}
    return "?" + urlencode(keep) if keep else ""


@organizer_required
def slot_edit(request, slug, uid):
    """Edit one slot: inline in the table with htmx, or as a page without JavaScript."""
    slot = or_404(slot_for_organizer(request.user, slug, uid))
    event = slot.event
    # Field ids of its own: the edit row sits on the page beside the add form.
    auto_id = f"slot-{slot.uid}-%s"
    if request.method == "POST":
        form = SlotForm(event, request.POST, slot=slot, auto_id=auto_id)
        if form.is_valid():
            slot = form.save()
            if request.htmx:
                return render(request, "events/timetable_edit.html#slot-row", {"slot": slot, "event": event, "tz": event.tzinfo})
            messages.success(request, "Saved.")
            return redirect("events:timetable-edit", event.slug)
        status = 200 if request.htmx else 400
    else:
        form, status = SlotForm(event, slot=slot, auto_id=auto_id), 200
    context = {"slot": slot, "event": event, "tz": event.tzinfo, "form": form}
    if request.htmx:
        return render(request, "events/timetable_edit.html#slot-edit-row", context, status=status)
    return render(request, "events/slot_edit.html", context, status=status)


@organizer_required
def slot_row(request, slug, uid):
    """One slot's row again (htmx "Cancel" of an inline edit)."""
    slot = or_404(slot_for_organizer(request.user, slug, uid))
    return render(request, "events/timetable_edit.html#slot-row", {"slot": slot, "event": slot.event, "tz": slot.event.tzinfo})


@organizer_required
@require_POST
def slot_delete(request, slug, uid):
    slot = or_404(slot_for_organizer(request.user, slug, uid))
    Slot.objects.filter(pk=slot.pk).update(removed_at=timezone.now(), updated_at=timezone.now())
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"Removed {slot.dj_name}'s slot from the draft. Publish to tell everyone.")
    return redirect("events:timetable-edit", slot.event.slug)


@organizer_required
@require_POST
def duplicate_night(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    form = DuplicateNightForm(event, request.POST)
    if not form.is_valid():
        return render(request, "events/timetable_edit.html", _editor_context(request, event, duplicate=form), status=400)
    copied = 0
    if submit_once.first_submit(request):
        copied = Slot.objects.copy_night(event, form.cleaned_data["source"], form.cleaned_data["target"])
    messages.success(request, f"Copied {copied} slot{'s' if copied != 1 else ''} to "
                              f"{form.cleaned_data['target']:%A %-d %B}.")
    return redirect(reverse("events:timetable-edit", args=[event.slug]) + f"?night={form.cleaned_data['target']}")


def _preview_context(event, form=None):
    changes, warnings, draft, previous = Release.objects.preview(event)
    dj_ids, slot_ids = timetable.concerned(changes)
    users, clients = Star.objects.filter(slot_id__in=slot_ids).owners()
    return {
        "event": event, "tz": event.tzinfo, "changes": _readable(changes, event.tzinfo), "warnings": warnings,
        "previous": previous, "draft_count": len(draft), "dj_count": len(dj_ids),
        "dancer_count": len(users) + len(clients), "empty": timetable.is_empty(changes),
        "form": form or PublishForm(),
    }


def _readable(changes, tz):
    """The stored changes with datetimes again, for templates."""
    from datetime import datetime

    def parsed(entry):
        entry = dict(entry)
        for key in ("starts_at", "ends_at"):
            entry[key] = datetime.fromisoformat(entry[key]).astimezone(tz)
        for key in ("old", "new"):
            if key in entry:
                entry[key] = parsed(entry[key])
        return entry

    return {kind: [parsed(entry) for entry in entries] for kind, entries in changes.items()}


@organizer_required
@never_cache
def timetable_preview(request, slug):
    """What publishing would change, what looks wrong, and who would be told."""
    event = or_404(event_for_organizer(request.user, slug))
    return render(request, "events/timetable_preview.html", _preview_context(event))


@organizer_required
@require_POST
def timetable_publish(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    form = PublishForm(request.POST)
    if not form.is_valid():
        return render(request, "events/timetable_preview.html", _preview_context(event, form), status=400)
    if not submit_once.first_submit(request):
        # A double tap: the first one published (or is publishing); show where things are.
        return redirect("events:timetable-edit", event.slug)
    try:
        release = Release.objects.publish(
            event, comment=form.cleaned_data["comment"], notify=form.cleaned_data["notify"], by=request.user,
        )
    except NothingToPublish:
        latest = Release.objects.latest_for(event)
        messages.error(request, "Nothing to publish: the draft is the same as the published version"
                                + (f" {latest.number}." if latest else "."))
        return redirect("events:timetable-preview", event.slug)
    told = " The DJs and dancers concerned are being told." if release.notify else " Nobody was notified."
    messages.success(request, f"Published version {release.number}.{told}")
    return redirect("events:timetable-edit", event.slug)


@organizer_required
@require_POST
def event_feed(request, slug):
    """Make (or, with revoke, replace) the secret calendar address of the event's timetable."""
    event = or_404(event_for_organizer(request.user, slug))
    CalendarFeed.objects.filter(kind=CalendarFeed.Kind.EVENT, event=event, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    CalendarFeed.objects.create(kind=CalendarFeed.Kind.EVENT, event=event, user=request.user)
    messages.success(request, "New calendar address made; the old one (if any) no longer works.")
    return redirect("events:timetable-edit", event.slug)


# --- The public side ------------------------------------------------------------------------

def _public_context(request, event):
    latest = Release.objects.latest_for(event)
    night, stage = _filters(request, event)
    rows = list(
        ReleasedSlot.objects.filter(release=latest).select_related("slot").in_order()
    ) if latest else []
    showing = [row for row in rows if not row.cancelled]
    moment = timezone.now()
    now_next = live_timetable.now_next_context(event, showing, moment)
    shown = [row for row in rows if (stage is None or row.stage_id == stage.pk)
             and (night is None or timetable.night_of(row.starts_at, event.tzinfo) == night)]
    starred = set(Star.objects.of(request).filter(slot__event=event).values_list("slot_id", flat=True)) if rows else set()
    return {
        "event": event, "tz": event.tzinfo, "release": latest, "nights": _group_by_night(shown, event.tzinfo),
        "all_nights": _nights(event), "night": night, "stage_filter": stage, "stages": list(event.stages.all()),
        **now_next, "starred": starred, "changed": latest.changed_slot_ids() if latest else set(),
        "releases": list(Release.objects.filter(event=event).order_by("-number")[:10]),
        "on_now": {current.slot_id for _, current, _ in now_next["now_next"] if current},
        "is_preview": not event.is_visible_publicly(),
    }


def _etag(context):
    """Changes with the release, the slots on now and next, the filters and the dancer's stars."""
    release, stage = context["release"], context["stage_filter"]
    on = ".".join(f"{now.slot_id if now else 0}-{up.slot_id if up else 0}" for _, now, up in context["now_next"])
    starred = ".".join(str(pk) for pk in sorted(context["starred"]))
    return f'"tt-{release.number if release else 0}-{on}-{context["night"] or ""}-{stage.code if stage else ""}-{starred}"'


def timetable_page(request, slug):
    """The published timetable: now/next, the nights, stars, the change log."""
    event = or_404(event_for_visitor(request.user, slug))
    if request.htmx:
        # A page whose now/next went stale without a push (see static/js/timetable.js).
        rows = ReleasedSlot.objects.showing_now(event)
        return render(request, "events/timetable.html#now-next", live_timetable.now_next_context(event, rows))
    context = _public_context(request, event)
    etag = _etag(context)
    if request.headers.get("if-none-match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    response = render(request, "events/timetable.html", context)
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _client(group, request):
    return request.client_id


def _client_rate(group, request):
    return settings.PIKA_LIKE_RATE


def _ip_rate(group, request):
    return settings.PIKA_LIKE_IP_RATE


@require_POST
@ratelimit(group="stars-client", key=_client, rate=_client_rate, method="POST", block=False)
@ratelimit(group="stars-ip", key="ip", rate=_ip_rate, method="POST", block=False)
def star(request, slug, uid):
    """Star (starred=1) or unstar (starred=0) a slot, for whoever sends the request."""
    if request.limited:
        return rate_limited(request)
    row = or_404(released_slot_for_visitor(request.user, slug, uid))
    wanted = request.POST.get("starred")
    if wanted not in ("0", "1"):
        return HttpResponse("Send starred=1 to star the slot or starred=0 to unstar it.",
                            status=400, content_type="text/plain; charset=utf-8")
    Star.objects.set(request, row.slot, wanted == "1")
    if request.htmx:
        return render(request, "events/timetable.html#star", {"row": row, "event": row.release.event,
                                                               "starred": {row.slot_id} if wanted == "1" else set()})
    return redirect(reverse("events:timetable", args=[slug]) + f"#slot-{uid}")


def timetable_ics(request, slug):
    """The public calendar of a published event (contract: /e/<slug>/timetable.ics)."""
    event = or_404(event_for_visitor(request.user, slug))
    return _event_ics(request, event)


def _event_ics(request, event):
    latest = Release.objects.latest_for(event)
    etag = f'"ics-{event.pk}-{latest.number if latest else 0}"'
    if request.headers.get("if-none-match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    rows = ReleasedSlot.objects.filter(release=latest).with_event().in_order() if latest else []
    return calendar.response(event.name, rows, etag)


def calendar_feed(request, token):
    """A secret feed: an event's timetable, a dancer's starred slots, or a DJ's gigs."""
    feed = or_404(feed_by_token(token))
    if feed.kind == CalendarFeed.Kind.EVENT:
        return _event_ics(request, feed.event)
    current = ReleasedSlot.objects.current().with_event().in_order()
    if feed.kind == CalendarFeed.Kind.STARS:
        stars = Star.objects.filter(user=feed.user) if feed.user_id else Star.objects.filter(user__isnull=True, client_id=feed.client_id)
        rows = current.filter(slot__in=stars.values("slot"))
        name = "My starred slots · Pika!"
    else:
        rows = current.filter(dj=feed.user)
        name = f"{feed.user.public_name}'s gigs · Pika!"
    return calendar.response(name, rows.filter(release__event__status="published"))


@never_cache
@ratelimit(group="calendars-client", key=_client, rate=_client_rate, method="POST", block=False)
@ratelimit(group="calendars-ip", key="ip", rate=_ip_rate, method="POST", block=False)
def calendars(request):
    """The dancer's (and DJ's) calendar addresses: make, see, revoke."""
    if request.limited:
        return rate_limited(request)
    owner = {"user": request.user} if request.user.is_authenticated else {"user": None, "client_id": request.client_id}
    active = CalendarFeed.objects.filter(revoked_at__isnull=True, **owner)
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in (CalendarFeed.Kind.STARS, CalendarFeed.Kind.DJ) or (
            kind == CalendarFeed.Kind.DJ and not request.user.is_authenticated
        ):
            return HttpResponse("Unknown calendar.", status=400, content_type="text/plain; charset=utf-8")
        active.filter(kind=kind).update(revoked_at=timezone.now())
        if request.POST.get("action") != "revoke":
            CalendarFeed.objects.create(kind=kind, **owner)
        return redirect("events:calendars")
    feeds = {feed.kind: feed for feed in active}
    return render(request, "events/calendars.html", {
        "stars_feed": feeds.get(CalendarFeed.Kind.STARS), "dj_feed": feeds.get(CalendarFeed.Kind.DJ),
        "base_url": settings.PIKA_BASE_URL,
    })


def screen(request, code):
    """A venue screen for one stage: now, up next with a countdown; live over the socket."""
    stage = or_404(stage_for_public(code))
    context = live_timetable.screen_context(stage, ReleasedSlot.objects.showing_now(stage.event))
    return render(request, "events/screen.html#screen" if request.htmx else "events/screen.html", context)
