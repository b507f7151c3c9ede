from django import forms

from accounts.models import OrganizerApplication, User


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up: the name dancers and DJs see."""

    display_name = forms.CharField(
        label="Display name", max_length=80, required=False,
        help_text="Your DJ or dancer name. You can change it later.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])


class OrganizerApplicationForm(forms.ModelForm):
    class Meta:
        model = OrganizerApplication
        fields = ["name", "community", "links", "message"]
        labels = {"name": "Your name", "community": "Your community or event", "message": "Anything we should know?"}
        help_texts = {"community": "e.g. “Swing Fling Lyon” or “Berlin WCS community”."}
        widgets = {"links": forms.Textarea(attrs={"rows": 3}), "message": forms.Textarea(attrs={"rows": 5})}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": "Display name"}
        help_texts = {"display_name": "What DJs and other dancers see. Empty: the part of your email before the @."}

    def clean_display_name(self):
        return " ".join(self.cleaned_data["display_name"].split())
