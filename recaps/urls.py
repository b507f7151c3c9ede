from django.urls import path

from recaps import views

app_name = "recaps"

urlpatterns = [
    path("live", views.lobby_page, name="lobby"),
    path("recap/<str:code>", views.recap, name="recap"),
    path("dj/sets/<str:code>/logbook", views.logbook, name="logbook"),
    path("dj/sets/<str:code>/logbook.csv", views.logbook_csv, name="logbook-csv"),
    path("dj/sets/<str:code>/plays/<int:track_id>/rating", views.rate_track, name="rate"),
]
