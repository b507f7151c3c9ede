"""django-q2 tasks: thin, they take ids (or nothing) and call the models."""

from stages.models import DJSet


def end_idle_sets():
    return DJSet.end_idle()
