import zoneinfo
from functools import cache

from django import forms
from django.core.validators import validate_slug

from events.models import RESERVED_SLUGS, Event
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
        for form in self.initial_forms:
            # An id that is not one of this event's stages: removed meanwhile, or tampered with.
            if form.instance.pk is None and not self._should_delete_form(form):
                form.add_error(None, "This stage is no longer part of the event; reload the page.")
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            name = form.cleaned_data.get("name", "").strip().casefold()
            if name in seen:
                form.add_error("name", "Another stage already has this name.")
            seen.add(name)


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
