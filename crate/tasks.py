"""django-q2 tasks: thin, they take ids and call crate's functions."""

from crate import exports, verification


def retry_spotify_export(playlist_id, attempt):
    exports.retry(playlist_id, attempt)


def search_spotify(dj_set_id):
    verification.search_spotify(dj_set_id)
