from django.contrib import admin

from crate.models import Like


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["track", "user", "client_id", "created_at"]
    list_select_related = ["track", "user"]
    search_fields = ["track__title", "track__artist", "user__email", "client_id"]
    raw_id_fields = ["track", "user"]
