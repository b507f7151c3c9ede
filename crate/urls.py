from django.urls import path, re_path

from crate import views

app_name = "crate"

urlpatterns = [
    path("live/<str:code>/tracks/<int:pk>/like", views.like, name="like"),
    path("likes/", views.journal, name="journal"),
    re_path(r"^setlist/(?P<code>[^/.]+)\.(?P<fmt>m3u|csv|txt)$", views.setlist_export, name="setlist-export"),
    path("setlist/<str:code>", views.setlist_page, name="setlist"),
    path("spotify/connect", views.spotify_connect, name="spotify-connect"),
    path("spotify/callback", views.spotify_callback, name="spotify-callback"),
    path("dj/spotify/connect", views.dj_spotify_connect, name="dj-spotify-connect"),
    path("dj/spotify/disconnect", views.dj_spotify_disconnect, name="dj-spotify-disconnect"),
    path("dj/sets/<str:code>/spotify", views.spotify_export, name="spotify-export"),
    path("likes/spotify", views.spotify_export_likes, name="spotify-export-likes"),
    re_path(r"^likes/export\.(?P<fmt>m3u|csv|txt)$", views.export, name="export"),
]
