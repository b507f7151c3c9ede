from django import forms

from announcements.models import MESSAGE_LIMIT, Priority


class AnnouncementForm(forms.Form):
    message = forms.CharField(
        label="Message", max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_LIMIT}),
        help_text=f"Up to {MESSAGE_LIMIT} characters. Say what, where and when.",
    )
    priority = forms.ChoiceField(
        label="Priority", choices=Priority.choices, initial=Priority.INFO, widget=forms.RadioSelect,
        help_text="Urgent shows loudly and wakes phones; use it when it really is.",
    )
    push = forms.BooleanField(label="Also send a push notification", required=False, initial=True)
