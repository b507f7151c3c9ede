"""Polls over the DJ token API: the agent or a stream deck runs them like the dashboard."""

from typing import Annotated, Literal, Optional

from ninja import Field, Router, Schema, Status

from accounts.api import DjToken
from crowd.access import poll_for_dj
from crowd.models import MAX_OPTIONS, OPTION_LIMIT, PRESETS, QUESTION_LIMIT, Poll, Refused
from pika.api import ApiError, TokenRateThrottle, or_not_found
from stages.access import set_for_dj

router = Router(auth=DjToken(), throttle=[TokenRateThrottle()], tags=["polls"])


class PollIn(Schema):
    question: Optional[Annotated[str, Field(max_length=QUESTION_LIMIT)]] = None
    options: Optional[Annotated[list[Annotated[str, Field(max_length=OPTION_LIMIT)]], Field(max_length=MAX_OPTIONS)]] = None
    # Seconds: 60, 120 or 300; none (or null) keeps it open until it is ended.
    duration: Optional[int] = None
    # "vibe", "tempo", "balance" or "style": the preset's question and options.
    preset: Optional[Literal["vibe", "tempo", "balance", "style"]] = None


def poll_json(poll):
    tallies = poll.tallies()
    closed = poll.closed_at
    return {
        "code": poll.code,
        "question": poll.question,
        "preset": poll.preset or None,
        "state": "cancelled" if poll.cancelled else ("ended" if closed else "open"),
        "started_at": poll.started_at,
        "ends_at": poll.ends_at,
        "ended_at": closed,
        "options": [{"position": option.position, "label": option.label, "answers": n} for option, n in tallies],
        "answers": sum(n for _, n in tallies),
    }


def _own_set(request, session_id):
    dj_set = set_for_dj(request.auth.user, pk=session_id) if 0 < session_id < 2**63 else None
    return or_not_found(dj_set, "not_found", "No such session.")


def _refused(error):
    return ApiError(error.status, error.code, str(error), error.field)


@router.post("/sessions/{int:session_id}/polls", response={201: dict})
def start_poll(request, session_id: int, payload: PollIn):
    """Start a poll on your live session (a running one ends first): a question with 2–10
    options, or a preset; optional duration."""
    dj_set = _own_set(request, session_id)
    if payload.preset:
        question, options = PRESETS[payload.preset]
    else:
        question, options = payload.question or "", payload.options or []
    try:
        poll = Poll.objects.start(dj_set, question, options, payload.duration, payload.preset or "")
    except Refused as error:
        raise _refused(error) from None
    return Status(201, poll_json(poll))


@router.get("/sessions/{int:session_id}/polls", response={200: dict})
def list_polls(request, session_id: int):
    """The session's polls, newest first, with their tallies."""
    dj_set = _own_set(request, session_id)
    return {"polls": [poll_json(poll) for poll in dj_set.polls.prefetch_related("options")[:50]]}


def _own_poll(request, session_id, code):
    found = poll_for_dj(request.auth.user, code, set_pk=session_id) if 0 < session_id < 2**63 else None
    return or_not_found(found, "not_found", "No such poll.")


@router.post("/sessions/{int:session_id}/polls/{code}/end", response={200: dict})
def end_poll(request, session_id: int, code: str):
    """Stop taking answers now; the results stay on the dancers' pages a short while."""
    poll = _own_poll(request, session_id, code)
    poll.end()
    return poll_json(poll)


@router.post("/sessions/{int:session_id}/polls/{code}/cancel", response={200: dict})
def cancel_poll(request, session_id: int, code: str):
    """Stop it and take it off the dancers' pages at once."""
    poll = _own_poll(request, session_id, code)
    poll.end(cancel=True)
    return poll_json(poll)
