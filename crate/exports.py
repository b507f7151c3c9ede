"""Export to Spotify: a set's matched tracks, in played order, as a public playlist under
the curator account. Re-exporting updates the same playlist."""

from django.utils import timezone

from crate import setlist, spotify
from crate.models import SpotifyAccount, SpotifyPlaylist


def export_set(dj_set):
    """Create or update the set's playlist. Returns the SpotifyPlaylist, whose `message`
    says what happened (also when Spotify is not set up, busy or down)."""
    playlist, _ = SpotifyPlaylist.objects.get_or_create(dj_set=dj_set)
    entries = setlist.rows(dj_set)
    uris = [entry["identity"].spotify_uri for entry in entries if entry["identity"] and entry["identity"].spotify_uri]
    playlist.missing = len(entries) - len(uris)
    account = SpotifyAccount.curator()
    if not spotify.configured() or account is None:
        playlist.message = "Spotify is not set up on this Pika!: use the M3U, CSV or text download instead."
    elif not uris:
        playlist.message = "None of this set's tracks is matched to Spotify yet: verify your tracks first."
    else:
        playlist.message = _push(account, dj_set, playlist, uris)
    playlist.updated_at = timezone.now()
    playlist.save()
    return playlist


def _push(account, dj_set, playlist, uris):
    client = spotify.SpotifyClient(account)
    name = setlist.title(dj_set)
    description = f"Played live by {dj_set.dj_name}, shared by Pika!"
    try:
        if not playlist.playlist_id:
            created = client.create_playlist(name, description)
            playlist.playlist_id = created["id"]
            playlist.url = created.get("external_urls", {}).get("spotify", "")
            playlist.save(update_fields=["playlist_id", "url"])
        else:
            client.update_playlist(playlist.playlist_id, name, description)
        client.set_items(playlist.playlist_id, uris)
    except spotify.SpotifyUnavailable as error:
        wait = f" Try again in {error.retry_after} s." if error.retry_after else " Try again in a few minutes."
        return f"Spotify is busy or unreachable ({error}).{wait}"
    except spotify.SpotifyError as error:
        return str(error)
    playlist.added = len(uris)
    missing = f"; {playlist.missing} not matched yet, so not in it" if playlist.missing else ""
    return f"Exported {len(uris)} track{'s' if len(uris) != 1 else ''} to Spotify{missing}."
