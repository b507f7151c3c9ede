from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("e/<slug:slug>", views.event_page, name="event"),
    path("organize/", views.organize, name="organize"),
    path("organize/new", views.event_create, name="create"),
    path("organize/stage-row", views.stage_row, name="stage-row"),
    path("organize/<slug:slug>/", views.event_edit, name="edit"),
    path("organize/<slug:slug>/publish", views.event_publish, name="publish"),
    path("organize/<slug:slug>/unpublish", views.event_unpublish, name="unpublish"),
    path("organize/<slug:slug>/archive", views.event_archive, name="archive"),
    path("organize/<slug:slug>/qr", views.qr_sheet, name="qr-sheet"),
    path("organize/<slug:slug>/live", views.live_dashboard, name="live"),
]
