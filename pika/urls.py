from django.contrib import admin
from django.urls import include, path

from events.views import home
from pika import views
from pika.api import api

admin.site.site_header = admin.site.site_title = "Pika! administration"
admin.site.index_title = "Organizers, accounts and tokens"

handler404 = "pika.views.not_found"
handler500 = "pika.views.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("stages.urls")),
    path("", include("events.urls")),
    path("", include("announcements.urls")),
    path("", include("crate.urls")),
    path("", include("crowd.urls")),
    path("", include("recaps.urls")),
    path("", include("dj.urls")),
]
