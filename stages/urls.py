from django.urls import path, re_path

from stages import views

app_name = "stages"

urlpatterns = [
    path("live/<str:code>", views.set_page, name="set"),
    re_path(r"^live/(?P<code>\w+)/qr\.(?P<fmt>svg|png)$", views.set_qr, name="set-qr"),
    path("s/<str:code>", views.stage_page, name="stage"),
    re_path(r"^s/(?P<code>\w+)/qr\.(?P<fmt>svg|png)$", views.stage_qr, name="stage-qr"),
]
