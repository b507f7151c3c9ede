from django.urls import path

from dj import views

app_name = "dj"

urlpatterns = [
    path("dj/", views.dashboard, name="dashboard"),
    path("dj/go-live", views.go_live, name="go-live"),
    path("dj/sets/<str:code>", views.past_set, name="past-set"),
    path("dj/sets/<str:code>/tracks", views.post_track, name="post-track"),
    path("dj/sets/<str:code>/end", views.end_set, name="end-set"),
    path("dj/tokens", views.create_token, name="create-token"),
    path("dj/tokens/<int:pk>/revoke", views.revoke_token, name="revoke-token"),
]
