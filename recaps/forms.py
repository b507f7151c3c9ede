from django import forms

from recaps.models import NOTE_LIMIT, TrackRating

# The choices as the rating form shows them: no verdict first.
VERDICT_CHOICES = [("", "None")] + TrackRating.Verdict.choices


class RatingForm(forms.Form):
    verdict = forms.ChoiceField(choices=VERDICT_CHOICES, required=False)
    note = forms.CharField(max_length=NOTE_LIMIT, required=False, strip=True)
