from allauth.account.models import EmailAddress
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.response import TemplateResponse

from accounts.models import ApiToken, OrganizerApplication, User

# allauth's e-mail addresses appear as a second "Accounts" section; Pika! has no e-mail
# verification, so the address on the user is all the owner needs.
admin.site.unregister(EmailAddress)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "display_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            token.revoke()


class ApplicationStatusFilter(admin.SimpleListFilter):
    """Pending first: the list opens on what still needs a decision."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*OrganizerApplication.Status.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or OrganizerApplication.Status.PENDING
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or OrganizerApplication.Status.PENDING
        if value == "all":
            return queryset
        return queryset.filter(status=value)


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="Note to the applicant", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Sent by email with the decision and shown on their application page.",
    )


@admin.register(OrganizerApplication)
class OrganizerApplicationAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "user", "status", "created_at", "decided_by", "decided_at"]
    list_filter = [ApplicationStatusFilter]
    search_fields = ["name", "community", "user__email"]
    list_select_related = ["user", "decided_by"]
    readonly_fields = ["user", "name", "community", "links", "message", "status", "note",
                       "decided_by", "decided_at", "created_at"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        return False

    # A staff member who may only view applications must not decide them.
    @admin.action(description="Approve the selected applications…", permissions=["change"])
    def approve(self, request, queryset):
        return self._decide(request, queryset, OrganizerApplication.Status.APPROVED, "approve")

    @admin.action(description="Reject the selected applications…", permissions=["change"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, OrganizerApplication.Status.REJECTED, "reject")

    def _decide(self, request, queryset, status, action):
        """First ask for a note (an intermediate page), then decide and email each applicant."""
        form = DecisionForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            decided = 0
            for application in queryset.select_related("user"):
                if application.status != status:
                    application.decide(status, request.user, form.cleaned_data["note"])
                    decided += 1
            verb = "approved" if status == OrganizerApplication.Status.APPROVED else "rejected"
            self.message_user(request, f"{decided} application(s) {verb}; the applicants have been emailed.",
                              messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/accounts/organizerapplication/decide.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{action.capitalize()} organizer applications",
            "applications": queryset.select_related("user"),
            "action": action,
            "verb": action,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })
