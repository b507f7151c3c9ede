from django import forms

from stages.models import TEXT_LIMIT


class GoLiveForm(forms.Form):
    dj_name = forms.CharField(
        label="Your DJ name", max_length=80, required=False,
        help_text="What dancers see. Leave empty to use your profile name.",
    )


class TrackForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TEXT_LIMIT)
    artist = forms.CharField(label="Artist", max_length=TEXT_LIMIT)

    def clean(self):
        cleaned = super().clean()
        for field in ("title", "artist"):
            if field in cleaned and not cleaned[field].strip():
                self.add_error(field, "This field is required.")
        return cleaned
