from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("organize/apply", views.organizer_apply, name="organizer-apply"),
]
