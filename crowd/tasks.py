"""Tasks take ids and stay thin."""

from crowd import live


def poll_changed(poll_id):
    live.poll_changed(poll_id)
