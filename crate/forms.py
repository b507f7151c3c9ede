from django import forms

from accounts.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "What DJs and other dancers see. Empty: the part of your email before the @."}

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())
