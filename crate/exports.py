"""Export to Spotify: a set's matched tracks in played order, or a dancer's matched likes,
as a public playlist under the curator account. Exporting again updates the same playlist."""

from django.utils import timezone

from crate import setlist, spotify
from crate.models import Like, SpotifyAccount, SpotifyPlaylist, TrackLink
from pika.tasks import later

# Spotify busy or down: the export tries again by itself this many times, then the DJ does.
RETRIES = 3
DEFAULT_RETRY_SECONDS = 300


def export_set(dj_set, attempt=0):
    """Create or update the set's playlist. Returns the SpotifyPlaylist, whose `message`
    says what happened (also when Spotify is not set up, busy or down)."""
    playlist, _ = SpotifyPlaylist.objects.get_or_create(dj_set=dj_set)
    entries = setlist.rows(dj_set)
    uris = [entry["identity"].spotify_uri for entry in entries if entry["identity"] and entry["identity"].spotify_uri]
    name = setlist.title(dj_set)
    return _export(playlist, name, f"Played live by {dj_set.dj_name}, shared by Pika!", uris,
                   len(entries) - len(uris), attempt)


def export_likes(user, attempt=0):
    """The dancer's liked songs that are matched, newest like first, as one playlist."""
    playlist, _ = SpotifyPlaylist.objects.get_or_create(likes_of=user)
    track_ids = list(Like.objects.filter(user=user).order_by("-created_at").values_list("track_id", flat=True))
    uri_of = dict(
        TrackLink.objects.filter(played_id__in=track_ids, identity__spotify_uri__gt="")
        .values_list("played_id", "identity__spotify_uri")
    )
    uris = list(dict.fromkeys(uri_of[pk] for pk in track_ids if pk in uri_of))
    name = f"{user.public_name}'s Pika! likes"
    return _export(playlist, name, "Songs liked on the dance floor, shared by Pika!", uris,
                   sum(1 for pk in track_ids if pk not in uri_of), attempt)


def retry(playlist_id, attempt):
    """The queued retry after Spotify was busy or down (a django-q2 task takes ids)."""
    playlist = SpotifyPlaylist.objects.select_related("dj_set", "likes_of").filter(pk=playlist_id).first()
    if playlist is None:
        return None
    if playlist.dj_set_id:
        return export_set(playlist.dj_set, attempt)
    return export_likes(playlist.likes_of, attempt)


def _export(playlist, name, description, uris, missing, attempt=0):
    playlist.missing = missing
    wait = None
    account = SpotifyAccount.curator()
    if not spotify.configured() or account is None:
        playlist.message = "Spotify is not set up on this Pika!: use the M3U, CSV or text download instead."
    elif not uris:
        playlist.message = ("None of these tracks is matched to Spotify yet: verify your tracks first."
                            if playlist.dj_set_id else
                            "None of your liked songs is matched to Spotify yet: use the search links instead.")
    else:
        try:
            playlist.message = _push(account, name, description, playlist, uris)
        except spotify.SpotifyUnavailable as error:
            wait = error.retry_after or DEFAULT_RETRY_SECONDS
            playlist.message = f"Spotify is busy or unreachable ({error})." + (
                f" Pika! tries again by itself in {wait} s." if attempt < RETRIES else " Try again later."
            )
    playlist.updated_at = timezone.now()
    playlist.save()
    if wait is not None and attempt < RETRIES:
        later(wait, "crate.tasks.retry_spotify_export", playlist.pk, attempt + 1)
        playlist.refresh_from_db()  # in sync mode (tests) the retry has already run
    return playlist


def _push(account, name, description, playlist, uris):
    client = spotify.SpotifyClient(account)
    try:
        if not playlist.playlist_id:
            created = client.create_playlist(name, description)
            playlist.playlist_id = created["id"]
            playlist.url = created.get("external_urls", {}).get("spotify", "")
            playlist.save(update_fields=["playlist_id", "url"])
        else:
            client.update_playlist(playlist.playlist_id, name, description)
        client.set_items(playlist.playlist_id, uris)
    except spotify.SpotifyError as error:
        return str(error)
    playlist.added = len(uris)
    missing = f"; {playlist.missing} not matched yet, so not in it" if playlist.missing else ""
    return f"Exported {len(uris)} track{'s' if len(uris) != 1 else ''} to Spotify{missing}."
