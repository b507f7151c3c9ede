from django.urls import path, re_path

from crate import views

app_name = "crate"

urlpatterns = [
    path("live/<str:code>/tracks/<int:pk>/like", views.like, name="like"),
    path("likes/", views.journal, name="journal"),
    re_path(r"^likes/export\.(?P<fmt>m3u|csv|txt)$", views.export, name="export"),
]
