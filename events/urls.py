from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("e/<slug:slug>", views.event_page, name="event"),
]
