from django.urls import path

from announcements import views

app_name = "announcements"

urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("s/<str:code>/manifest.webmanifest", views.stage_manifest, name="stage-manifest"),
    path("live/<str:code>/manifest.webmanifest", views.set_manifest, name="set-manifest"),
    path("dj/sets/<str:code>/announce", views.set_announce, name="set-announce"),
    path("dj/sets/<str:code>/announce/reach", views.set_reach, name="set-reach"),
    path("organize/<slug:slug>/announce", views.event_announce, name="event-announce"),
    path("organize/<slug:slug>/announce/reach", views.event_reach, name="event-reach"),
    path("announcements/<str:code>/delivery", views.delivery, name="delivery"),
]
