import zoneinfo
from datetime import timezone as dt_timezone
from functools import cache

from django import forms
from django.core.validators import validate_slug
from django.utils import timezone

from accounts.models import User
from events import timetable
from events.models import RESERVED_SLUGS, Event, Slot
from stages.models import Stage


@cache
def timezone_names():
    """IANA names people pick from ("Europe/Paris"), without the legacy aliases."""
    names = {name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))}
    return sorted(names | {"UTC"})


@cache
def _timezones_by_lower_name():
    return {name.lower(): name for name in zoneinfo.available_timezones()}


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "slug", "description", "starts_on", "ends_on", "timezone"]
        labels = {
            "name": "Event name", "slug": "Short link", "starts_on": "First day", "ends_on": "Last day",
            "timezone": "Time zone",
        }
        help_texts = {
            "slug": "The event page's address: /e/your-short-link. Letters, digits and dashes; "
                    "leave empty to make one from the name.",
            "timezone": "Where the event happens, e.g. Europe/Paris or America/New_York. "
                        "Every time on the event's pages is shown in it.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": "Swing Fling Weekend", "autocomplete": "off"}),
            "slug": forms.TextInput(attrs={"placeholder": "swing-fling", "autocomplete": "off", "autocapitalize": "none"}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "timezone": forms.TextInput(attrs={"list": "timezones", "placeholder": "Europe/Paris",
                                               "autocomplete": "off", "autocapitalize": "none"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["timezone"].initial = None

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        if not slug:
            return ""
        validate_slug(slug)
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError("That short link is reserved; pick another.")
        if Event.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("That short link is taken; pick another.")
        return slug

    def clean_timezone(self):
        typed = self.cleaned_data["timezone"].strip()
        name = _timezones_by_lower_name().get(typed.lower())
        if name is None:
            raise forms.ValidationError(
                f"“{typed}” is not a time zone we know. Use a name such as Europe/Paris or America/New_York."
            )
        return name

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day is before the first day.")
        return cleaned

    def save(self, commit=True):
        if not self.instance.slug:
            self.instance.slug = Event.unique_slug(self.instance.name, exclude_pk=self.instance.pk)
        return super().save(commit)


class StageForm(forms.ModelForm):
    capacity = forms.IntegerField(
        label="Capacity (optional)", required=False, min_value=1, max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Stage
        fields = ["name", "description", "capacity"]
        labels = {"name": "Stage name", "description": "Description (optional)"}
        widgets = {
            "name": forms.TextInput(attrs={"placeholder": "e.g. Main Floor", "autocomplete": "off"}),
            "description": forms.TextInput(attrs={"placeholder": "e.g. Ground floor, left of the bar", "autocomplete": "off"}),
        }


class BaseStageFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        booked = []
        for form in self.initial_forms:
            # An id that is not one of this event's stages: removed meanwhile, or tampered with.
            if form.instance.pk is None and not self._should_delete_form(form):
                form.add_error(None, "This stage is no longer part of the event; reload the page.")
            elif form.instance.pk and self._should_delete_form(form) and form.instance.slots.exists():
                booked.append(form.instance.name)
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            name = form.cleaned_data.get("name", "").strip().casefold()
            if name in seen:
                form.add_error("name", "Another stage already has this name.")
            seen.add(name)
        if booked:
            # Its slots (and their stars and calendar entries) would vanish with it.
            raise forms.ValidationError(
                f"{', '.join(booked)} has slots in the timetable: move or delete them there first."
            )


MAX_STAGES = 30

StageFormSet = forms.inlineformset_factory(
    Event, Stage, form=StageForm, formset=BaseStageFormSet, extra=1, can_delete=True,
    max_num=MAX_STAGES, validate_max=True, absolute_max=MAX_STAGES,
)


def stage_formset(data=None, instance=None):
    formset = StageFormSet(data, instance=instance or Event(), prefix="stages")
    if formset.get_queryset().exists():
        # An event with stages gets no blank row: adding one is an explicit "Add a stage".
        formset.extra = 0
    return formset


def with_one_more_stage_row(data):
    """The posted form with one more (empty) stage row: "Add a stage" without JavaScript."""
    data = data.copy()
    try:
        total = int(data.get("stages-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    data["stages-TOTAL_FORMS"] = str(max(0, min(total + 1, MAX_STAGES)))
    return data


def save_stages(formset, event):
    """Save the stage rows in the order shown: new, edited and removed ones."""
    formset.instance = event
    formset.save(commit=False)
    for stage in formset.deleted_objects:
        stage.delete()
    position = 0
    for form in formset.forms:
        if form in formset.deleted_forms or not (form.instance.pk or form.has_changed()):
            continue
        form.instance.event = event
        form.instance.position = position
        form.instance.save()
        position += 1


def local_datetime(value, tz):
    """A wall-clock time typed for the event's time zone, as an aware datetime; None when
    that time does not exist there (the hour skipped when clocks go forward)."""
    aware = value.replace(tzinfo=tz)
    if aware.astimezone(dt_timezone.utc).astimezone(tz).replace(tzinfo=None) != value:
        return None
    return aware


class SlotForm(forms.Form):
    """One DJ slot, typed in the event's own time zone."""

    stage = forms.ChoiceField(label="Stage")
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    dj = forms.CharField(
        label="DJ", max_length=254,
        help_text="A name, or the email of the DJ's Pika! account (they then see the slot and hear of changes).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "DJ Nova"}),
    )
    title = forms.CharField(
        label="Title (optional)", max_length=120, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "Late night blues"}),
    )

    def __init__(self, event, *args, slot=None, **kwargs):
        self.event, self.slot = event, slot
        if slot is not None and "initial" not in kwargs:
            tz = event.tzinfo
            kwargs["initial"] = {
                "stage": slot.stage.code, "title": slot.title,
                "starts_at": slot.starts_at.astimezone(tz).replace(tzinfo=None),
                "ends_at": slot.ends_at.astimezone(tz).replace(tzinfo=None),
                "dj": slot.dj.email if slot.dj_id else slot.dj_name,
            }
        super().__init__(*args, **kwargs)
        self.stages = {stage.code: stage for stage in event.stages.all()}
        self.fields["stage"].choices = [(code, stage.name) for code, stage in self.stages.items()]

    def clean_stage(self):
        return self.stages[self.cleaned_data["stage"]]

    def _aware(self, name):
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        value = value.replace(tzinfo=None)
        aware = local_datetime(value, self.event.tzinfo)
        if aware is None:
            self.add_error(name, f"{value:%H:%M} does not exist on {value:%a %-d %b} in {self.event.timezone}: "
                                 "the clocks go forward. Pick a time after the change.")
        return aware

    def clean_dj(self):
        typed = self.cleaned_data["dj"].strip()
        if "@" in typed:
            user = User.objects.filter(email__iexact=typed, is_active=True).first()
            if user is None:
                raise forms.ValidationError(
                    "No Pika! account has this email. Check it, or type the DJ's name instead."
                )
            return user
        if not typed:
            raise forms.ValidationError("Who plays? Type a name or a DJ's account email.")
        return typed[:80]

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = self._aware("starts_at"), self._aware("ends_at")
        if starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", "The slot ends before it starts.")
            else:
                first, _ = timetable.night_bounds(self.event.starts_on, self.event.tzinfo)
                _, last = timetable.night_bounds(self.event.ends_on, self.event.tzinfo)
                if starts_at < first or ends_at > last:
                    self.add_error("starts_at", f"The slot is outside the event's dates "
                                                f"({self.event.starts_on:%a %-d %b} – {self.event.ends_on:%a %-d %b}).")
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned

    def save(self):
        slot = self.slot or Slot(event=self.event)
        data = self.cleaned_data
        dj = data["dj"]
        slot.stage, slot.starts_at, slot.ends_at, slot.title = data["stage"], data["starts_at"], data["ends_at"], data["title"]
        if isinstance(dj, str):
            slot.dj, slot.dj_name = None, dj
        else:
            slot.dj, slot.dj_name = dj, dj.public_name[:80]
        slot.updated_at = timezone.now()
        slot.save()
        return slot


class DuplicateNightForm(forms.Form):
    source = forms.DateField(label="Copy the night of", widget=forms.DateInput(attrs={"type": "date"}))
    target = forms.DateField(label="to the night of", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, event, *args, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("source"), cleaned.get("target")
        if source and target:
            if source == target:
                self.add_error("target", "Pick another night to copy to.")
            elif not (self.event.starts_on <= target <= self.event.ends_on):
                self.add_error("target", "That night is outside the event's dates.")
        return cleaned


class PublishForm(forms.Form):
    comment = forms.CharField(
        label="Note for dancers (optional)", max_length=280, required=False,
        widget=forms.TextInput(attrs={"placeholder": "Blues Room closes at 2 a.m.", "autocomplete": "off"}),
    )
    notify = forms.BooleanField(
        label="Notify attendees of the schedule change (only the DJs and dancers concerned)",
        required=False, initial=True,
    )


class LineupForm(forms.Form):
    """Who may drive the event's stages: the policy, and one more DJ for the lineup."""

    dj_policy = forms.ChoiceField(label="Who may go live on your stages", choices=Event.DjPolicy.choices,
                                  widget=forms.RadioSelect)
    email = forms.EmailField(label="Add a DJ by e-mail", required=False, max_length=254,
                             help_text="They can go live once they sign up with this address and confirm it.")
