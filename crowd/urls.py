from django.urls import path

from crowd import views

app_name = "crowd"

urlpatterns = [
    path("live/<str:code>/tracks/<int:pk>/tempo", views.tempo, name="tempo"),
    path("live/<str:code>/tracks/<int:pk>/thanks", views.thanks, name="thanks"),
    path("live/<str:code>/polls/<str:poll_code>/answer", views.answer, name="answer"),
    path("dj/sets/<str:code>/polls", views.start_poll, name="start-poll"),
    path("dj/sets/<str:code>/polls/<str:poll_code>/end", views.end_poll, name="end-poll"),
    path("dj/sets/<str:code>/polls/<str:poll_code>/cancel", views.cancel_poll, name="cancel-poll"),
]
