from django.contrib import admin

from announcements.models import Announcement, PushDevice, PushMessage


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["created_at", "message", "priority", "event", "dj_set", "author"]
    list_filter = ["priority"]
    search_fields = ["message", "event__name", "dj_set__dj_name"]
    raw_id_fields = ["event", "dj_set", "author", "push"]


@admin.register(PushMessage)
class PushMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "title", "body", "recipients", "delivered", "failed", "removed"]
    raw_id_fields = ["event", "stage", "dj_set"]


@admin.register(PushDevice)
class PushDeviceAdmin(admin.ModelAdmin):
    """Abuse handling: a device can be removed; its endpoint is not shown in full."""

    list_display = ["pk", "created_at", "last_delivered_at", "user"]
    raw_id_fields = ["user"]
    exclude = ["p256dh", "auth"]
