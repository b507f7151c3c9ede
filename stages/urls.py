from django.urls import path, re_path

from stages import views

app_name = "stages"

urlpatterns = [
    path("dj/", views.dashboard, name="dashboard"),
    path("dj/go-live", views.go_live, name="go-live"),
    path("dj/sets/<str:code>", views.past_set, name="past-set"),
    path("dj/sets/<str:code>/tracks", views.post_track, name="post-track"),
    path("dj/sets/<str:code>/end", views.end_set, name="end-set"),
    path("live/<str:code>", views.set_page, name="set"),
    re_path(r"^live/(?P<code>\w+)/qr\.(?P<fmt>svg|png)$", views.set_qr, name="set-qr"),
    path("s/<str:code>", views.stage_page, name="stage"),
    re_path(r"^s/(?P<code>\w+)/qr\.(?P<fmt>svg|png)$", views.stage_qr, name="stage-qr"),
]
