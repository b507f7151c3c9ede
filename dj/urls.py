from django.urls import path

from dj import views

app_name = "dj"

urlpatterns = [
    path("dj/", views.dashboard, name="dashboard"),
    path("dj/go-live", views.go_live, name="go-live"),
    path("dj/sets/<str:code>", views.past_set, name="past-set"),
    path("dj/sets/<str:code>/tracks", views.post_track, name="post-track"),
    path("dj/sets/<str:code>/live", views.live_view, name="live-view"),
    path("dj/sets/<str:code>/follow", views.follow_track, name="follow-track"),
    path("dj/sets/<str:code>/end", views.end_set, name="end-set"),
    path("dj/sets/<str:code>/verify", views.verify_set, name="verify-set"),
    path("dj/sets/<str:code>/verify/<int:track_id>", views.verify_track, name="verify-track"),
    path("agent/<str:filename>", views.agent_download, name="agent-download"),
    path("dj/tokens", views.create_token, name="create-token"),
    path("dj/tokens/<int:pk>/revoke", views.revoke_token, name="revoke-token"),
]
