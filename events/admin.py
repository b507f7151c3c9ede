from django.contrib import admin

from events.models import CalendarFeed, Event, Release
from stages.models import Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["name", "code", "description", "capacity", "position"]
    readonly_fields = ["code"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "organizer", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "organizer__email"]
    inlines = [StageInline]


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are frozen: the platform owner may look, never edit."""

    list_display = ["event", "number", "published_at", "published_by", "notify", "notified_at", "comment"]
    list_filter = ["notify"]
    search_fields = ["event__name", "event__slug", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Revoke a leaked calendar address: set "revoked at"."""

    list_display = ["kind", "event", "user", "created_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "event__slug"]
    fields = ["kind", "event", "user", "created_at", "revoked_at"]
    readonly_fields = ["kind", "event", "user", "created_at"]
