from django.contrib import admin

from events.models import Event
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
