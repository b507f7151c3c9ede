"""django-q2 tasks: thin, they take ids and call crate's functions."""

from crate import exports


def retry_spotify_export(playlist_id, attempt):
    exports.retry(playlist_id, attempt)
