"""The DJ token API and the public now-playing JSON (contracts in DESIGN.md)."""

import logging
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Annotated, Optional

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from accounts.api import DjToken
from pika.api import ApiError, TokenRateThrottle, or_not_found
from pika.codes import clean_isrc
from stages import live
from stages.access import set_for_dj, stage_for_public, stage_to_drive
from stages.models import TEXT_LIMIT, DJSet, PlayedTrack, Stage
from stages.signals import track_stored

log = logging.getLogger(__name__)
router = Router(auth=DjToken(), throttle=[TokenRateThrottle()])

Text = Annotated[str, Field(max_length=TEXT_LIMIT)]
EARLIEST_PLAYED_AT = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)


class SetIn(Schema):
    dj_name: Optional[Annotated[str, Field(max_length=80)]] = None
    stage: Optional[Annotated[str, Field(max_length=16)]] = None


class TrackIn(Schema):
    artist: Text
    title: Text
    album: Optional[Text] = None
    played_at: Optional[datetime] = None
    bpm: Optional[Annotated[float, Field(gt=0, lt=1000)]] = None
    key: Optional[Annotated[str, Field(max_length=16)]] = None
    duration_ms: Optional[Annotated[int, Field(ge=0, le=24 * 3600 * 1000)]] = None
    file_hash: Optional[Annotated[str, Field(max_length=128)]] = None
    source_id: Optional[Annotated[str, Field(max_length=200)]] = None
    isrc: Optional[Annotated[str, Field(max_length=20)]] = None


def public_url(request, obj):
    """Where phones open `obj`: PIKA_BASE_URL when the operator set it, else the address this
    request reached (a server reached at http://pika.local answers pika.local, not 127.0.0.1)."""
    if settings.PIKA_BASE_URL_SET:
        return obj.public_url
    return request.build_absolute_uri(obj.get_absolute_url())


def stage_json(request, stage):
    if stage is None:
        return None
    return {
        "code": stage.code,
        "name": stage.name,
        "url": public_url(request, stage),
        "event": {"slug": stage.event.slug, "name": stage.event.name},
    }


def set_json(request, dj_set):
    return {
        "id": dj_set.pk,
        "code": dj_set.code,
        "url": public_url(request, dj_set),
        "dj_name": dj_set.dj_name,
        "stage": stage_json(request, dj_set.stage),
        "started_at": dj_set.started_at.isoformat(),
        "ended_at": dj_set.ended_at.isoformat() if dj_set.ended_at else None,
    }


def track_json(track):
    return {
        "id": track.pk,
        "session": track.dj_set_id,
        "artist": track.artist,
        "title": track.title,
        "album": track.album,
        "played_at": track.played_at.isoformat(),
        "bpm": track.bpm,
        "key": track.key,
        "duration_ms": track.duration_ms,
        "file_hash": track.file_hash,
        "source_id": track.source_id,
    }


def blank_to_empty(value):
    return value.strip() if value else ""


def own_set(request, dj_set_id):
    """The caller's own set, or a 404 that does not reveal another DJ's."""
    if not 0 < dj_set_id < 2**63:
        raise ApiError(404, "not_found", "No such session.")
    return or_not_found(set_for_dj(request.auth.user, pk=dj_set_id), "not_found", "No such session.")


@router.post("/sessions", response={201: dict})
def create_set(request, payload: SetIn = None):
    payload = payload or SetIn()
    stage = None
    if payload.stage:
        stage, refusal = stage_to_drive(request.auth.user, payload.stage.strip())
        if refusal:
            raise ApiError(*refusal, "stage")
    dj_set, ended = DJSet.objects.go_live(
        request.auth.user, blank_to_empty(payload.dj_name), stage
    )
    body = set_json(request, dj_set)
    body["ended_session"] = set_json(request, ended[0]) if ended else None
    if ended:
        body["message"] = "Your previous set was still live; it has been ended."
    return Status(201, body)


# The published API keeps its first word for a set, "session", in its paths and parameters.
@router.post("/sessions/{int:session_id}/tracks", response={201: dict})
def post_track(request, session_id: int, payload: TrackIn):
    track = store_track(own_set(request, session_id), payload)
    return Status(201, {**track_json(track), "identity": track.identity})


def store_track(dj_set, payload: TrackIn):
    """Check a posted track and store it once per source_id. The token API and the
    dashboard's follower both come through here, so a play they both post is one track."""
    artist, title = blank_to_empty(payload.artist), blank_to_empty(payload.title)
    if not artist:
        raise ApiError(400, "missing_field", "artist is required.", "artist")
    if not title:
        raise ApiError(400, "missing_field", "title is required.", "title")
    played_at = payload.played_at
    if played_at is not None and timezone.is_naive(played_at):
        played_at = played_at.replace(tzinfo=dt_timezone.utc)
    if played_at is not None and played_at > timezone.now() + timedelta(minutes=5):
        raise ApiError(400, "invalid_field", "played_at is in the future.", "played_at")
    if played_at is not None and played_at < EARLIEST_PLAYED_AT:
        # A laptop whose clock reset to 1970, or a typo: nobody is posting a 1990s set live.
        raise ApiError(400, "invalid_field", "played_at is before 2000.", "played_at")
    isrc = clean_isrc(payload.isrc)
    if payload.isrc and payload.isrc.strip() and not isrc:
        raise ApiError(400, "invalid_field", "isrc must be 12 characters such as US-RC1-17-00001.", "isrc")
    if not dj_set.takes_track(played_at, blank_to_empty(payload.source_id)):
        raise ApiError(
            409,
            "session_ended",
            "This set has ended; go live again to post tracks "
            "(tracks played during it are taken up to an hour after it ended).",
        )
    track, created = dj_set.add_track(
        artist=artist,
        title=title,
        played_at=played_at,
        source_id=blank_to_empty(payload.source_id),
        album=blank_to_empty(payload.album),
        bpm=payload.bpm,
        key=blank_to_empty(payload.key),
        duration_ms=payload.duration_ms,
        file_hash=blank_to_empty(payload.file_hash),
    )
    track.identity = identity_of(track, isrc, created)
    return track


def identity_of(track, isrc, created):
    """The track's recording as the apps above know it: a matching failure is logged and
    answered as "none yet", never as a lost track."""
    for receiver, answer in track_stored.send_robust(PlayedTrack, track=track, isrc=isrc, created=created):
        if isinstance(answer, Exception):
            log.warning("Matching a stored track failed", exc_info=answer)
        elif answer is not None:
            return answer
    return None


@router.post("/sessions/{int:session_id}/end", response={200: dict})
def end_set(request, session_id: int):
    dj_set = own_set(request, session_id)
    with transaction.atomic():
        dj_set.end()
    return set_json(request, dj_set)


@router.get("/stages", response={200: dict})
def list_stages(request, event: Optional[str] = None):
    stages = Stage.objects.select_related("event").filter(event__status="published")
    if event:
        stages = stages.filter(event__slug=event)
    return {"stages": [stage_json(request, stage) for stage in stages.order_by("event__name", "position", "pk")]}


@router.get("/stages/{code}/now-playing", response={200: dict}, auth=None, throttle=[])
def now_playing(request, code: str):
    stage = or_not_found(stage_for_public(code), "stage_not_found", "No stage has that code.")
    dj_set = stage.current_set()
    tracks = list(dj_set.tracks_newest_first()[:live.RECENT_LIMIT]) if dj_set else []
    return {
        "stage": stage_json(request, stage),
        "session": set_json(request, dj_set) if dj_set else None,
        "now_playing": track_json(tracks[0]) if tracks else None,
        "recent": [track_json(track) for track in tracks],
        "listeners": live.audience(dj_set, stage),
    }
