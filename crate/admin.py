from django.contrib import admin
from django.utils import timezone

from crate.models import Confirmation, Conflict, Like, SpotifyAccount, Track


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ["track", "user", "client_id", "created_at"]
    list_select_related = ["track", "user"]
    search_fields = ["track__title", "track__artist", "user__email", "client_id"]
    raw_id_fields = ["track", "user"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["artist", "title", "isrc", "spotify_uri", "created_at"]
    search_fields = ["artist", "title", "isrc", "spotify_uri"]


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    list_display = ["played", "identity", "dj", "created_at"]
    list_select_related = ["played", "identity", "dj"]
    search_fields = ["identity__title", "identity__artist", "dj__email", "file_hash", "isrc", "name_key"]
    raw_id_fields = ["played", "identity", "dj"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """Evidence confirmed as two recordings: the owner picks the right one here."""

    list_display = ["kind", "value", "resolved_to", "created_at", "resolved_at"]
    list_filter = ["kind", ("resolved_to", admin.EmptyFieldListFilter)]
    list_select_related = ["resolved_to"]
    fields = ["kind", "value", "resolved_to", "created_at", "resolved_at"]
    readonly_fields = ["kind", "value", "created_at", "resolved_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the recordings DJs actually confirmed for this evidence.
        if db_field.name == "resolved_to":
            conflict = self.get_object(request, request.resolver_match.kwargs.get("object_id"))
            if conflict is not None:
                field = {"hash": "file_hash", "isrc": "isrc", "name": "name_key"}[conflict.kind]
                kwargs["queryset"] = Track.objects.filter(
                    **{f"confirmations__{field}": conflict.value}
                ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.resolved_at = timezone.now() if obj.resolved_to_id else None
        super().save_model(request, obj, form, change)


@admin.register(SpotifyAccount)
class SpotifyAccountAdmin(admin.ModelAdmin):
    """The curator account (no owner) and the DJs' own: who, when connected, whether the
    sign-in still works; tokens never shown. Deleting one disconnects it."""

    list_display = ["display_name", "owner", "spotify_user_id", "needs_reconnect", "connected_at", "expires_at"]
    list_select_related = ["owner"]
    fields = ["display_name", "owner", "spotify_user_id", "needs_reconnect", "connected_at", "expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # connected at /spotify/connect (curator) or from a DJ's dashboard, never typed in
