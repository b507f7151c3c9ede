from django.urls import path

from events import timetable_views as timetable, views

app_name = "events"

urlpatterns = [
    path("e/<slug:slug>", views.event_page, name="event"),
    path("e/<slug:slug>/timetable", timetable.timetable_page, name="timetable"),
    path("e/<slug:slug>/timetable.ics", timetable.timetable_ics, name="timetable-ics"),
    path("e/<slug:slug>/timetable/<str:uid>/star", timetable.star, name="star"),
    path("screen/<str:code>", timetable.screen, name="screen"),
    path("calendar/<str:token>.ics", timetable.calendar_feed, name="calendar-feed"),
    path("calendars/", timetable.calendars, name="calendars"),
    path("organize/", views.organize, name="organize"),
    path("organize/new", views.event_create, name="create"),
    path("organize/stage-row", views.stage_row, name="stage-row"),
    path("organize/<slug:slug>/", views.event_edit, name="edit"),
    path("organize/<slug:slug>/publish", views.event_publish, name="publish"),
    path("organize/<slug:slug>/unpublish", views.event_unpublish, name="unpublish"),
    path("organize/<slug:slug>/archive", views.event_archive, name="archive"),
    path("organize/<slug:slug>/qr", views.qr_sheet, name="qr-sheet"),
    path("organize/<slug:slug>/live", views.live_dashboard, name="live"),
    path("organize/<slug:slug>/live/sets/<str:code>/end", views.end_set, name="end-set"),
    path("organize/<slug:slug>/live/sets/<str:code>/block", views.block_dj, name="block-dj"),
    path("organize/<slug:slug>/lineup", views.lineup, name="lineup"),
    path("organize/<slug:slug>/lineup/<int:pk>/remove", views.lineup_remove, name="lineup-remove"),
    path("organize/<slug:slug>/blocked/<int:pk>/unblock", views.unblock, name="unblock"),
    path("organize/<slug:slug>/timetable/", timetable.timetable_edit, name="timetable-edit"),
    path("organize/<slug:slug>/timetable/duplicate", timetable.duplicate_night, name="timetable-duplicate"),
    path("organize/<slug:slug>/timetable/preview", timetable.timetable_preview, name="timetable-preview"),
    path("organize/<slug:slug>/timetable/publish", timetable.timetable_publish, name="timetable-publish"),
    path("organize/<slug:slug>/timetable/feed", timetable.event_feed, name="timetable-feed"),
    path("organize/<slug:slug>/timetable/<str:uid>/edit", timetable.slot_edit, name="slot-edit"),
    path("organize/<slug:slug>/timetable/<str:uid>/row", timetable.slot_row, name="slot-row"),
    path("organize/<slug:slug>/timetable/<str:uid>/delete", timetable.slot_delete, name="slot-delete"),
]
