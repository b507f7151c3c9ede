"""The DJ token API's verification endpoints (contract in DESIGN.md and issue 11)."""

import re
from typing import Optional

from ninja import Router, Schema

from accounts.api import DjToken
from crate import verification
from crate.access import track_for_dj
from crate.models import Track
from pika.api import ApiError, TokenRateThrottle, or_not_found
from stages.access import set_for_dj

router = Router(auth=DjToken(), throttle=[TokenRateThrottle()])

# open.spotify.com/track/<id> (or the old play.spotify.com), with /intl-xx/ or /intl-xx-yy/
# locales, /embed/, a trailing slash, any query string or fragment, any case in the
# scheme and host; or spotify:track:<id>. Spotify ids are 22 base-62 characters.
SPOTIFY_LINK_RE = re.compile(
    r"^(?:https?://)?(?:open|play)\.spotify\.com/(?:intl-[a-z]{2,3}(?:-[a-z0-9]{2,4})?/)?(?:embed/)?"
    r"track/([A-Za-z0-9]{22})/?(?:[?#].*)?$", re.IGNORECASE)
SPOTIFY_URI_RE = re.compile(r"^spotify:track:([A-Za-z0-9]{22})$", re.IGNORECASE)
# An album link with one track highlighted (what "Share" on an album's track gives).
SPOTIFY_HIGHLIGHT_RE = re.compile(
    r"^(?:https?://)?open\.spotify\.com/\S*[?&]highlight=spotify:track:([A-Za-z0-9]{22})(?:[&#]\S*)?$", re.IGNORECASE)
# Short share links only say where they lead by redirecting there.
SHORT_LINK_RE = re.compile(r"^(?:https?://)?(?:spotify\.link|spoti\.fi)/", re.IGNORECASE)
INVALID_LINK = "Paste a Spotify track link (open.spotify.com/track/…) or URI (spotify:track:…)."
SHORT_LINK = ("A short spotify.link address does not say which track it is: open it, then copy the "
              "open.spotify.com/track/… link (Share → Copy Song Link) or the spotify:track: URI.")


def _one_uri(text):
    found = SPOTIFY_URI_RE.match(text) or SPOTIFY_LINK_RE.match(text) or SPOTIFY_HIGHLIGHT_RE.match(text)
    return f"spotify:track:{found.group(1)}" if found else None


def spotify_uri(text):
    """The spotify:track: URI of a pasted link or URI, or None when it is neither. Share
    text around one link ("Ghost by Ella Henderson https://open.spotify.com/track/…") is fine."""
    text = (text or "").strip()
    uri = _one_uri(text)
    if uri is None:
        found = {_one_uri(word) for word in text.split()} - {None}
        uri = found.pop() if len(found) == 1 else None
    return uri


def spotify_link_error(text):
    """What to tell a DJ whose paste is not a track link or URI."""
    text = (text or "").strip()
    return SHORT_LINK if any(SHORT_LINK_RE.match(word) for word in text.split()) else INVALID_LINK


class VerificationIn(Schema):
    identity: Optional[int] = None
    spotify: Optional[str] = None
    confirm: Optional[bool] = None
    skip: Optional[bool] = None


def public_entry(entry):
    return {key: entry[key] for key in ("id", "artist", "title", "identity", "suggestions")}


def answer(dj, played, payload: VerificationIn):
    """Apply one DJ answer (exactly one of identity, spotify, confirm, skip)."""
    given = [name for name in ("identity", "spotify", "confirm", "skip") if getattr(payload, name) not in (None, False)]
    if len(given) != 1:
        raise ApiError(400, "invalid_body", "Send exactly one of identity, spotify, confirm or skip.")
    choice = given[0]
    if choice == "identity":
        identity = or_not_found(Track.objects.filter(pk=payload.identity).first() if 0 < payload.identity < 2**63 else None,
                                "identity_not_found", "No recording has that id.", "identity")
        verification.confirm(dj, played, identity)
    elif choice == "spotify":
        uri = spotify_uri(payload.spotify)
        if uri is None:
            raise ApiError(400, "invalid_field", spotify_link_error(payload.spotify), "spotify")
        verification.confirm(dj, played, verification.identity_for_spotify(played, uri))
    elif choice == "confirm":
        verification.confirm(dj, played, verification.identity_as_played(played))
    else:
        verification.skip(played)


@router.get("/sessions/{int:session_id}/verification", response={200: dict})
def list_verification(request, session_id: int):
    dj_set = None
    if 0 < session_id < 2**63:
        dj_set = set_for_dj(request.auth.user, pk=session_id)
    dj_set = or_not_found(dj_set, "not_found", "No such session.")
    verification.queue_spotify_search(dj_set)
    entries = verification.entries(dj_set.tracks.order_by("played_at", "pk"))
    return {
        "matched": sum(1 for entry in entries if entry["identity"] is not None),
        "total": len(entries),
        "tracks": [public_entry(entry) for entry in entries],
    }


@router.post("/tracks/{int:track_id}/verification", response={200: dict})
def verify_track(request, track_id: int, payload: VerificationIn):
    played = or_not_found(track_for_dj(request.auth.user, track_id), "not_found", "No such track.")
    answer(request.auth.user, played, payload)
    return public_entry(verification.entries([played])[0])
