"""The push subscription API the pages' script (and any other client) calls.

`POST /api/v1/push/subscriptions` `{"subscription": <PushSubscription JSON>, "stage"?: code,
"session"?: a set code}` → 201; `DELETE` with the same body removes it; `GET
/api/v1/push/vapid-public-key`. Anonymous, so rate limited per client id and per IP.
An endpoint alone proves nothing (it travels in logs and push-service errors): changing or
removing a stored device takes its keys, which only the browser holds.
"""

from typing import Annotated, Any, Optional

from django.conf import settings
from django.db.models import Q
from ninja import Field, Router, Schema, Status

from announcements import push
from announcements.models import PushDevice, WrongKeys
from pika.api import ApiError, FailOpenThrottle, or_not_found
from pika.middleware import rate_key
from stages.access import set_for_public, stage_for_visitor

router = Router(tags=["push"])

Code = Annotated[str, Field(max_length=16)]


class SubscribeThrottle(FailOpenThrottle):
    """Per anonymous client id, or per IP address; the rates are read per request."""

    def __init__(self, by):
        self.by = by
        super().__init__(self._setting())

    def _setting(self):
        return settings.PIKA_PUSH_SUBSCRIBE_RATE if self.by == "client" else settings.PIKA_PUSH_SUBSCRIBE_IP_RATE

    def allow_request(self, request):
        self.rate = self._setting()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        ident = rate_key(self.by, request) if self.by == "client" else request.META.get("REMOTE_ADDR")
        return f"throttle:push-{self.by}:{ident}" if ident else None


def throttles():
    return [SubscribeThrottle("client"), SubscribeThrottle("ip")]


class SubscriptionIn(Schema):
    subscription: dict[str, Any]
    stage: Optional[Code] = None
    session: Optional[Code] = None


class UnsubscribeIn(Schema):
    subscription: Optional[dict[str, Any]] = None
    endpoint: Optional[Annotated[str, Field(max_length=push.ENDPOINT_LIMIT)]] = None
    stage: Optional[Code] = None
    session: Optional[Code] = None


def _scope(request, stage_code, set_code):
    """(stage, set) named by the codes; 404 for what does not exist or is not visible."""
    stage = dj_set = None
    if stage_code:
        stage = or_not_found(
            stage_for_visitor(request.user, stage_code.strip()), "stage_not_found", "No stage has that code.", "stage"
        )
    if set_code:
        dj_set = or_not_found(set_for_public(set_code.strip()), "session_not_found", "No set has that code.", "session")
    return stage, dj_set


def _wrong_keys():
    return ApiError(
        403, "wrong_keys", "That endpoint belongs to a subscription with other keys.", "subscription.keys"
    )


def _key_proof(subscription):
    """(p256dh, auth) as stored, from a PushSubscription JSON's keys; None when absent or malformed."""
    keys = subscription.get("keys") if isinstance(subscription, dict) else None
    if not isinstance(keys, dict):
        return None
    point, secret = push.b64decode(keys.get("p256dh")), push.b64decode(keys.get("auth"))
    if point is None or secret is None:
        return None
    return push.b64url(point), push.b64url(secret)


def _invalid(error):
    return ApiError(400, error.code, error.message, error.field)


@router.get("/push/vapid-public-key", response={200: dict})
def vapid_public_key(request):
    return {"public_key": push.public_key()}


@router.post("/push/subscriptions", response={201: dict}, throttle=throttles())
def subscribe(request, payload: SubscriptionIn):
    try:
        endpoint, p256dh, auth = push.parse_subscription(payload.subscription)
    except push.InvalidSubscription as error:
        raise _invalid(error) from None
    stage, dj_set = _scope(request, payload.stage, payload.session)
    if stage is None and dj_set is None:
        raise ApiError(400, "missing_scope", "Say what to follow: a stage or a session code.", "stage")
    if dj_set is not None and not dj_set.is_live:
        raise ApiError(409, "session_ended", "This set has ended; there is nothing more to follow.", "session")
    scopes = []
    # The JSON says "session" (a public contract); the model says dj_set.
    for key, field, target in (("stage", "stage", stage), ("session", "dj_set", dj_set)):
        if target is not None:
            try:
                PushDevice.objects.subscribe(
                    endpoint=endpoint, p256dh=p256dh, auth=auth, client_id=request.client_id,
                    user=request.user, **{field: target},
                )
            except WrongKeys:
                raise _wrong_keys() from None
            scopes.append({key: target.code})
    return Status(201, {"endpoint": endpoint, "scopes": scopes})


@router.delete("/push/subscriptions", response={200: dict}, throttle=throttles())
def unsubscribe(request, payload: UnsubscribeIn):
    """Stop following one scope (stage or set), or everything when none is named."""
    endpoint = payload.endpoint
    if endpoint is None and isinstance(payload.subscription, dict):
        endpoint = payload.subscription.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise ApiError(400, "missing_field", "subscription.endpoint (or endpoint) is required.", "endpoint")
    device = PushDevice.objects.filter(endpoint=endpoint.strip()).first()
    stage, dj_set = _scope(request, payload.stage, payload.session)
    if device is None:
        return {"removed": 0, "remaining": 0}
    proof = _key_proof(payload.subscription)
    if proof is None:
        raise ApiError(
            403, "key_proof_required",
            "Send the whole subscription (with its keys) to stop notifications.", "subscription.keys",
        )
    if not device.has_keys(*proof):
        raise _wrong_keys()
    subscriptions = device.subscriptions.all()
    if stage is not None or dj_set is not None:
        named = Q()
        if stage is not None:
            named |= Q(stage=stage)
        if dj_set is not None:
            named |= Q(dj_set=dj_set)
        subscriptions = subscriptions.filter(named)
    removed, _ = subscriptions.delete()
    remaining = device.subscriptions.count()
    if remaining == 0:
        device.delete()
    return {"removed": removed, "remaining": remaining}
