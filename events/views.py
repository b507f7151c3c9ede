from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.decorators import organizer_required
from events import live
from events.access import event_for_organizer, event_for_visitor, set_for_organizer
from events.forms import (
    MAX_STAGES, EventForm, LineupForm, save_stages, stage_formset, timezone_names, with_one_more_stage_row,
)
from events.models import BlockedDJ, Event, LineupEntry, Release
from pika import live as groups
from pika import submit_once
from pika.access import or_404
from stages.live import stage_cards
from stages.models import DJSet


def home(request):
    # A day of slack: somewhere in the world it is still yesterday's last night.
    today = timezone.localdate() - timedelta(days=1)
    return render(request, "home.html", {"events": Event.objects.current_and_upcoming(today)[:12]})


@never_cache
def event_page(request, slug):
    event = or_404(event_for_visitor(request.user, slug))
    versions = groups.page_versions(groups.event_page_groups(event.pk))
    return render(request, "events/event_page.html", {
        "event": event,
        "live_versions": versions,
        "cards": stage_cards(event),
        "is_preview": not event.is_visible_publicly(),
        "release": Release.objects.latest_for(event),
    })


# The organizer's side: their events, the event form with its stages, QR codes, live view.

@organizer_required
def organize(request):
    events = Event.objects.owned_by(request.user).annotate(stage_count=Count("stages"))
    return render(request, "events/organize.html", {"events": events})


def _form_page(request, form, formset, event=None, status=200):
    return render(request, "events/event_form.html", {
        "form": form, "formset": formset, "event": event, "timezones": timezone_names(),
    }, status=status)


def _created_key(request):
    return f"submit-once:event:{submit_once.token_of(request)}"


@organizer_required
def event_create(request):
    if request.method != "POST":
        return _form_page(request, EventForm(), stage_formset())
    if "add_stage" in request.POST:
        data = with_one_more_stage_row(request.POST)
        return _form_page(request, EventForm(data), stage_formset(data))
    form, formset = EventForm(request.POST), stage_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        if not submit_once.first_submit(request):
            # A double tap: the first submit made the event; show it rather than a second one.
            slug = cache.get(_created_key(request))
            return redirect("events:edit", slug) if slug else redirect("events:organize")
        try:
            with transaction.atomic():
                event = form.save(commit=False)
                event.organizer = request.user
                event.save()
                save_stages(formset, event)
        except IntegrityError:
            # Two organizers raced for the same short link; the other one got it.
            form.add_error("slug", "That short link was just taken; pick another.")
        else:
            cache.set(_created_key(request), event.slug, timeout=3600)
            messages.success(request, "Event created as a draft. Preview it, print the QR codes, then publish.")
            return redirect("events:edit", event.slug)
    return _form_page(request, form, formset, status=400)


@organizer_required
def event_edit(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    if request.method != "POST":
        return _form_page(request, EventForm(instance=event), stage_formset(instance=event), event)
    if "add_stage" in request.POST:
        data = with_one_more_stage_row(request.POST)
        return _form_page(request, EventForm(data, instance=event), stage_formset(data, event),
                          Event.objects.get(pk=event.pk))
    form, formset = EventForm(request.POST, instance=event), stage_formset(request.POST, event)
    if form.is_valid() and formset.is_valid():
        if submit_once.first_submit(request):
            try:
                with transaction.atomic():
                    event = form.save()
                    save_stages(formset, event)
            except IntegrityError:
                # Two organizers saved the same new short link at once; the other one got it.
                form.add_error("slug", "That short link was just taken; pick another.")
                return _form_page(request, form, formset, Event.objects.get(pk=event.pk), status=409)
            messages.success(request, "Saved.")
        return redirect("events:edit", event.slug)
    # The form wrote what was typed onto the instance; the page's links need the saved event.
    return _form_page(request, form, formset, Event.objects.get(pk=event.pk), status=400)


@organizer_required
def stage_row(request):
    """One more empty stage row for the event form (HTMX), and the formset's new total."""
    try:
        index = int(request.GET.get("stages-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, MAX_STAGES - 1))
    formset = stage_formset()
    form = formset.form(prefix=f"stages-{index}", empty_permitted=True, use_required_attribute=False)
    formset.add_fields(form, None)
    return render(request, "events/event_form.html#added-stage-row", {"stage_form": form, "total": index + 1})


def _status_change(request, slug, change, done):
    event = or_404(event_for_organizer(request.user, slug))
    error = change(event)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("events:edit", event.slug)


@organizer_required
@require_POST
def event_publish(request, slug):
    return _status_change(request, slug, Event.publish, "Published: the event and its stage pages are public.")


@organizer_required
@require_POST
def event_unpublish(request, slug):
    return _status_change(request, slug, Event.unpublish, "Back to draft: only you can see it now.")


@organizer_required
@require_POST
def event_archive(request, slug):
    return _status_change(request, slug, Event.archive, "Archived: hidden from everyone but you.")


@organizer_required
def qr_sheet(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    return render(request, "events/qr_sheet.html", {"event": event, "stages": event.stages.all()})


@organizer_required
@never_cache
def live_dashboard(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    context = {"event": event, "rows": live.organizer_rows(event), "tz": event.tzinfo}
    if request.htmx:
        return render(request, "events/live_dashboard.html#live-panel", context)
    return render(request, "events/live_dashboard.html", context)


# --- Who may drive the stages: policy, lineup, blocks -------------------------------

@organizer_required
def lineup(request, slug):
    event = or_404(event_for_organizer(request.user, slug))
    form = LineupForm(request.POST or None, initial={"dj_policy": event.dj_policy})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            event.dj_policy = form.cleaned_data["dj_policy"]
            event.save(update_fields=["dj_policy"])
            email = form.cleaned_data["email"].strip().lower()
            if email:
                LineupEntry.objects.get_or_create(event=event, email=email)
                messages.success(request, f"{email} is on the lineup.")
            else:
                messages.success(request, "Saved.")
            return redirect("events:lineup", event.slug)
        status = 400
    return render(request, "events/lineup.html", {
        "event": event, "form": form, "entries": event.lineup.all(),
        "blocked": event.blocked_djs.select_related("user"),
    }, status=status)


@organizer_required
@require_POST
def lineup_remove(request, slug, pk):
    event = or_404(event_for_organizer(request.user, slug))
    event.lineup.filter(pk=pk).delete()
    return redirect("events:lineup", event.slug)


@organizer_required
@require_POST
def unblock(request, slug, pk):
    event = or_404(event_for_organizer(request.user, slug))
    event.blocked_djs.filter(pk=pk).delete()
    return redirect("events:lineup", event.slug)


def _back_to_live(request, dj_set):
    if request.htmx:
        return render(request, "events/live_dashboard.html#stage-row", {"row": live.organizer_row(dj_set.stage)})
    return redirect("events:live", dj_set.stage.event.slug)


@organizer_required
@require_POST
def end_set(request, slug, code):
    """The organizer ends any set on their stages (a DJ who left, a stranger on the decks)."""
    dj_set = or_404(set_for_organizer(request.user, slug, code))
    with transaction.atomic():
        dj_set.end()
    messages.success(request, f"{dj_set.dj_name}'s set on {dj_set.stage.name} has ended.")
    return _back_to_live(request, dj_set)


@organizer_required
@require_POST
def block_dj(request, slug, code):
    """Block the DJ of this set from every stage of the event, and end what they play on them."""
    dj_set = or_404(set_for_organizer(request.user, slug, code))
    event = dj_set.stage.event
    if dj_set.dj_id == event.organizer_id:
        messages.error(request, "That is your own set; end it instead.")
        return _back_to_live(request, dj_set)
    with transaction.atomic():
        BlockedDJ.objects.get_or_create(event=event, user=dj_set.dj)
        for playing in DJSet.objects.live().filter(dj=dj_set.dj, stage__event=event):
            playing.end()
    messages.success(request, f"{dj_set.dj_name} can no longer go live on {event.name}'s stages.")
    return _back_to_live(request, dj_set)
