"""django-q2 tasks: thin, they take ids (or nothing) and call the models."""

from stages.models import LiveSession


def end_idle_sessions():
    return LiveSession.end_idle()
