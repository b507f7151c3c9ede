from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("agent/<str:filename>", views.agent_download, name="agent-download"),
    path("dj/tokens", views.create_token, name="create-token"),
    path("dj/tokens/<int:pk>/revoke", views.revoke_token, name="revoke-token"),
    path("organize/apply", views.organizer_apply, name="organizer-apply"),
]
