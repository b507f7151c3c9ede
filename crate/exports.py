"""Export to Spotify: a set's matched tracks in played order, as a public playlist under
the curator account or, if the DJ linked one, their own; or a dancer's matched likes under
the curator account. Exporting again updates the same playlist under the account that
made it."""

from django.utils import timezone

from crate import setlist, spotify
from crate.models import Like, SpotifyAccount, SpotifyPlaylist, TrackLink
from pika.tasks import later

# Spotify busy or down: the export tries again by itself this many times, then the DJ does.
RETRIES = 3
DEFAULT_RETRY_SECONDS = 300
CURATOR, DJ = SpotifyPlaylist.CURATOR, SpotifyPlaylist.DJ


def choices(dj, playlist=None):
    """What a DJ's Export to Spotify may use: {"dj": their account or None, "curator": the
    curator's or None, "default": "dj" | "curator" | None}. The default is the account
    that made the playlist while it still works, else the DJ's own, else the curator's."""
    found = {DJ: SpotifyAccount.of_dj(dj), CURATOR: SpotifyAccount.curator()} if spotify.configured() else {DJ: None, CURATOR: None}
    usable = [under for under in ([playlist.under] if playlist and playlist.playlist_id else []) + [DJ, CURATOR]
              if found[under] is not None and found[under].usable]
    return {**found, "default": usable[0] if usable else None}


def export_set(dj_set, under=None, attempt=0):
    """Create or update the set's playlist under `under` ("dj" or "curator"; None: the
    default of choices()). Returns the SpotifyPlaylist, whose `message` says what happened
    (also when Spotify is not set up, the DJ's sign-in expired, Spotify is busy or down)."""
    playlist, _ = SpotifyPlaylist.objects.get_or_create(dj_set=dj_set)
    entries = setlist.rows(dj_set)
    uris = [entry["identity"].spotify_uri for entry in entries if entry["identity"] and entry["identity"].spotify_uri]
    name = setlist.title(dj_set)
    under = under if under in (DJ, CURATOR) else choices(dj_set.dj, playlist)["default"] or CURATOR
    account = SpotifyAccount.of_dj(dj_set.dj) if under == DJ else SpotifyAccount.curator()
    return _export(playlist, name, f"Played live by {dj_set.dj_name}, shared by Pika!", uris,
                   len(entries) - len(uris), under, account, attempt)


def export_likes(user, attempt=0):
    """The dancer's liked songs that are matched, newest like first, as one playlist."""
    playlist, _ = SpotifyPlaylist.objects.get_or_create(likes_of=user)
    track_ids = list(Like.objects.filter(user=user).order_by("-created_at").values_list("track_id", flat=True))
    uri_of = spotify_uris(track_ids)
    uris = list(dict.fromkeys(uri_of[pk] for pk in track_ids if pk in uri_of))
    name = f"{user.public_name}'s Pika! likes"
    return _export(playlist, name, "Songs liked on the dance floor, shared by Pika!", uris,
                   sum(1 for pk in track_ids if pk not in uri_of), CURATOR, SpotifyAccount.curator(), attempt)


def spotify_uris(track_ids):
    """{played track id: its recording's Spotify URI} for those of `track_ids` DJs matched."""
    return dict(
        TrackLink.objects.filter(played_id__in=track_ids, identity__spotify_uri__gt="")
        .values_list("played_id", "identity__spotify_uri")
    )


def retry(playlist_id, attempt):
    """The queued retry after Spotify was busy or down (a django-q2 task takes ids)."""
    playlist = SpotifyPlaylist.objects.select_related("dj_set", "likes_of").filter(pk=playlist_id).first()
    if playlist is None:
        return None
    if playlist.dj_set_id:
        return export_set(playlist.dj_set, playlist.under, attempt)
    return export_likes(playlist.likes_of, attempt)


NOT_SET_UP = "Spotify is not set up on this Pika!: use the M3U, CSV or text download instead."
DJ_NOT_LINKED = ("Your own Spotify account is not connected: connect it on your DJ dashboard, "
                 "or export under Pika!'s curator account.")
DJ_REVOKED = ("Your Spotify account no longer lets Pika! in (the sign-in expired or was revoked): "
              "reconnect it on your DJ dashboard, or export under Pika!'s curator account.")
CURATOR_REVOKED = ("Pika!'s curator account needs reconnecting by the operator: "
                   "use the M3U, CSV or text download meanwhile.")


def _refusal(under, account):
    """Why `account` cannot take the export, or "" when it can."""
    if not spotify.configured() or (account is None and under == CURATOR):
        return NOT_SET_UP
    if account is None:
        return DJ_NOT_LINKED
    if not account.usable:
        return DJ_REVOKED if under == DJ else CURATOR_REVOKED
    return ""


def _export(playlist, name, description, uris, missing, under, account, attempt=0):
    playlist.missing = missing
    wait = None
    refusal = _refusal(under, account)
    if refusal:
        playlist.message = refusal
    elif not uris:
        playlist.message = ("None of these tracks is matched to Spotify yet: verify your tracks first."
                            if playlist.dj_set_id else
                            "None of your liked songs is matched to Spotify yet: use the search links instead.")
    else:
        try:
            playlist.message = _push(account, under, name, description, playlist, uris)
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


def _push(account, under, name, description, playlist, uris):
    # Only the Spotify user who made the playlist can update it (a playlist from before
    # DJs could link their own has no owner id and was the curator's): any other account
    # makes its own.
    made_here = playlist.under == under and playlist.spotify_owner_id in (
        account.spotify_user_id, "" if under == CURATOR else account.spotify_user_id)
    if not made_here:
        playlist.playlist_id, playlist.url, playlist.added = "", "", 0
    # Saved before calling Spotify, so a queued retry goes to the same account.
    playlist.under, playlist.spotify_owner_id = under, account.spotify_user_id
    playlist.save(update_fields=["playlist_id", "url", "added", "under", "spotify_owner_id"])
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
    except spotify.SpotifyRevoked:
        return DJ_REVOKED if under == DJ else CURATOR_REVOKED
    except spotify.SpotifyError as error:
        return str(error)
    playlist.added = len(uris)
    missing = f"; {playlist.missing} not matched yet, so not in it" if playlist.missing else ""
    return f"Exported {len(uris)} track{'s' if len(uris) != 1 else ''} to Spotify{missing}."
