from django import forms

from stages.access import stage_to_drive
from stages.models import TEXT_LIMIT


class GoLiveForm(forms.Form):
    dj_name = forms.CharField(
        label="Your DJ name", max_length=80, required=False,
        help_text="What dancers see. Leave empty to use your profile name.",
    )
    # Quick Start only (a published event's rooms are public anyway); private by default.
    listed = forms.BooleanField(
        label="List this set on Pika!'s public “Live now” page", required=False,
        help_text="Anyone may then find it at /live. Otherwise only people with your link or QR code see it.",
    )
    # Event Mode: the code of the stage to play on; empty for Quick Start.
    stage = forms.CharField(required=False, max_length=16)

    def __init__(self, *args, dj, **kwargs):
        super().__init__(*args, **kwargs)
        self.dj = dj

    def clean_stage(self):
        code = self.cleaned_data["stage"].strip()
        if not code:
            return None
        stage, refusal = stage_to_drive(self.dj, code)
        if refusal:
            raise forms.ValidationError(refusal.message)
        return stage


class TrackForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TEXT_LIMIT)
    artist = forms.CharField(label="Artist", max_length=TEXT_LIMIT)

    def clean(self):
        cleaned = super().clean()
        for field in ("title", "artist"):
            if field in cleaned and not cleaned[field].strip():
                self.add_error(field, "This field is required.")
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=80,
        help_text="Where you'll use it, e.g. “Laptop — VirtualDJ”.",
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the token a name.")
        return name
