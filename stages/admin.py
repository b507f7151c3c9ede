from django.contrib import admin

from stages.models import DJSet, PlayedTrack, Stage


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "code", "capacity"]
    search_fields = ["name", "code", "event__name"]
    readonly_fields = ["code"]


class PlayedTrackInline(admin.TabularInline):
    model = PlayedTrack
    extra = 0
    fields = ["played_at", "artist", "title", "bpm", "key", "source_id"]


@admin.register(DJSet)
class DJSetAdmin(admin.ModelAdmin):
    list_display = ["dj_name", "dj", "code", "stage", "started_at", "ended_at"]
    list_filter = ["ended_at"]
    search_fields = ["dj_name", "dj__email", "code"]
    readonly_fields = ["code"]
    inlines = [PlayedTrackInline]


@admin.register(PlayedTrack)
class PlayedTrackAdmin(admin.ModelAdmin):
    list_display = ["title", "artist", "dj_set", "played_at"]
    search_fields = ["title", "artist"]
