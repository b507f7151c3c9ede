"""The push subscription API: subscribe, unsubscribe, the VAPID key, bad input, the SSRF guard, rate limits."""

import base64
import json

import pytest

from announcements import push
from announcements.models import PushDevice, PushSubscription
from events.models import Event
from pika.middleware import CLIENT_COOKIE, new_client_id
from stages.models import DJSet
from tests.push_helpers import Subscriber

URL = "/api/v1/push/subscriptions"


def post(client, body, **extra):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **extra)


def delete(client, body):
    return client.delete(URL, data=json.dumps(body), content_type="application/json")


def error(response):
    return response.status_code, response.json()["error"]


@pytest.fixture
def phone(push_service):
    return Subscriber(push_service, "phone")


def test_the_vapid_public_key_is_the_servers_p256_key(client, db):
    response = client.get("/api/v1/push/vapid-public-key")

    assert response.status_code == 200
    key = response.json()["public_key"]
    assert key == push.public_key()
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4


def test_subscribing_from_a_stage_page_stores_the_device_and_its_scope(client, phone, weekend):
    client.cookies[CLIENT_COOKIE] = "a" * 32

    response = post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    assert response.status_code == 201
    assert response.json() == {"endpoint": phone.endpoint, "scopes": [{"stage": weekend.main.code}]}
    device = PushDevice.objects.get()
    assert (device.endpoint, device.p256dh, device.auth) == (
        phone.endpoint, phone.subscription()["keys"]["p256dh"], phone.subscription()["keys"]["auth"]
    )
    assert (device.client_id, device.user) == ("a" * 32, None)
    assert list(device.subscriptions.values_list("stage", "dj_set")) == [(weekend.main.pk, None)]


def test_a_signed_in_dancer_is_remembered_on_the_device(client, phone, weekend, dj):
    client.force_login(dj)

    post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    assert PushDevice.objects.get().user == dj


def test_one_device_can_follow_several_scopes_and_subscribing_twice_is_harmless(client, phone, weekend, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")

    for body in (
        {"stage": weekend.main.code},
        {"stage": weekend.main.code},
        {"stage": weekend.blues.code, "session": dj_set.code},
    ):
        assert post(client, {"subscription": phone.subscription(), **body}).status_code == 201

    device = PushDevice.objects.get()
    assert sorted(device.subscriptions.values_list("stage", "dj_set"), key=str) == sorted(
        [(weekend.main.pk, None), (weekend.blues.pk, None), (None, dj_set.pk)], key=str
    )


def test_other_keys_for_a_known_endpoint_cannot_take_the_device_over(client, push_service, weekend):
    owner = Subscriber(push_service, "phone")
    intruder = Subscriber(push_service, "phone")  # knows the endpoint, not the keys
    post(client, {"subscription": owner.subscription(), "stage": weekend.main.code})

    response = post(client, {"subscription": intruder.subscription(), "stage": weekend.blues.code})

    assert error(response) == (403, {
        "code": "wrong_keys", "message": "That endpoint belongs to a subscription with other keys.",
        "field": "subscription.keys",
    })
    device = PushDevice.objects.get()
    assert (device.p256dh, device.auth) == (owner.subscription()["keys"]["p256dh"], owner.subscription()["keys"]["auth"])
    assert list(PushSubscription.objects.values_list("stage", flat=True)) == [weekend.main.pk]


def test_the_same_keys_again_add_a_scope_to_the_device(client, phone, weekend):
    post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    response = post(client, {"subscription": phone.subscription(), "stage": weekend.blues.code})

    assert response.status_code == 201
    assert PushDevice.objects.count() == 1
    assert sorted(PushSubscription.objects.values_list("stage", flat=True)) == sorted([weekend.main.pk, weekend.blues.pk])


def test_unsubscribing_with_only_the_endpoint_is_refused(client, phone, weekend):
    post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    response = delete(client, {"endpoint": phone.endpoint})

    assert error(response) == (403, {
        "code": "key_proof_required",
        "message": "Send the whole subscription (with its keys) to stop notifications.",
        "field": "subscription.keys",
    })
    assert PushSubscription.objects.count() == 1


def test_unsubscribing_with_other_keys_is_refused(client, push_service, phone, weekend):
    post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})
    intruder = Subscriber(push_service, "phone")

    response = delete(client, {"subscription": intruder.subscription()})

    assert error(response)[1]["code"] == "wrong_keys"
    assert PushSubscription.objects.count() == 1


def test_unsubscribing_one_scope_keeps_the_others(client, phone, weekend):
    for stage in (weekend.main, weekend.blues):
        post(client, {"subscription": phone.subscription(), "stage": stage.code})

    response = delete(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    assert (response.status_code, response.json()) == (200, {"removed": 1, "remaining": 1})
    assert list(PushSubscription.objects.values_list("stage", flat=True)) == [weekend.blues.pk]


def test_unsubscribing_without_a_scope_forgets_the_device(client, phone, weekend):
    for stage in (weekend.main, weekend.blues):
        post(client, {"subscription": phone.subscription(), "stage": stage.code})

    response = delete(client, {"subscription": phone.subscription()})

    assert (response.status_code, response.json()) == (200, {"removed": 2, "remaining": 0})
    assert not PushDevice.objects.exists()


def test_the_last_scope_gone_takes_the_device_with_it(client, phone, weekend):
    post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    delete(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    assert not PushDevice.objects.exists()


def test_unsubscribing_an_unknown_device_is_a_no_op(client, phone, weekend):
    response = delete(client, {"endpoint": phone.endpoint})

    assert (response.status_code, response.json()) == (200, {"removed": 0, "remaining": 0})


def test_unsubscribing_needs_the_endpoint(client, db):
    assert error(delete(client, {"stage": "whatever"})) == (
        400, {"code": "missing_field", "message": "subscription.endpoint (or endpoint) is required.", "field": "endpoint"},
    )


# --- Bad input: a clear 400 and nothing stored --------------------------------------

def with_keys(phone, **keys):
    subscription = phone.subscription()
    subscription["keys"] = {**subscription["keys"], **keys}
    subscription["keys"] = {name: value for name, value in subscription["keys"].items() if value is not None}
    return subscription


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("make", "field", "message"),
    [
        (lambda p: {**p.subscription(), "keys": None}, "subscription.keys", "subscription.keys (p256dh and auth) is required."),
        (lambda p: {"endpoint": p.endpoint}, "subscription.keys", "subscription.keys (p256dh and auth) is required."),
        (lambda p: with_keys(p, p256dh=None), "subscription.keys.p256dh", "subscription.keys.p256dh is required."),
        (lambda p: with_keys(p, auth=None), "subscription.keys.auth", "subscription.keys.auth is required."),
        # 65 bytes that look like an uncompressed point but are not on the P-256 curve.
        (lambda p: with_keys(p, p256dh=b64(b"\x04" + b"\x01" * 64)), "subscription.keys.p256dh",
         "subscription.keys.p256dh is not a P-256 public key."),
        (lambda p: with_keys(p, p256dh=b64(p.public_bytes[:33])), "subscription.keys.p256dh",
         "subscription.keys.p256dh is not a P-256 public key."),
        (lambda p: with_keys(p, p256dh="not base64 at all!"), "subscription.keys.p256dh",
         "subscription.keys.p256dh is not a P-256 public key."),
        (lambda p: with_keys(p, p256dh=12345), "subscription.keys.p256dh",
         "subscription.keys.p256dh is not a P-256 public key."),
        (lambda p: with_keys(p, auth=b64(b"short")), "subscription.keys.auth",
         "subscription.keys.auth must be 16 bytes, base64url."),
        (lambda p: {**p.subscription(), "endpoint": ""}, "subscription.endpoint", "subscription.endpoint is required."),
        (lambda p: {**p.subscription(), "endpoint": None}, "subscription.endpoint", "subscription.endpoint is required."),
        (lambda p: {**p.subscription(), "endpoint": p.endpoint + "x" * 10_000}, "subscription.endpoint",
         "subscription.endpoint is over 1024 characters."),
    ],
)
def test_a_malformed_subscription_is_a_400_and_stores_nothing(client, phone, weekend, make, field, message):
    response = post(client, {"subscription": make(phone), "stage": weekend.main.code})

    assert error(response) == (400, {"code": "invalid_subscription", "message": message, "field": field})
    assert not PushDevice.objects.exists()


@pytest.mark.parametrize(
    ("make", "code", "field"),
    [
        (lambda p, stage: {"stage": stage}, "missing_field", "subscription"),
        (lambda p, stage: {"subscription": p.endpoint, "stage": stage}, "invalid_field", "subscription"),
        (lambda p, stage: {"subscription": ["🎶"], "stage": stage}, "invalid_field", "subscription"),
        (lambda p, stage: {"subscription": p.subscription(), "stage": "x" * 10_000}, "invalid_field", "stage"),
        (lambda p, stage: {"subscription": p.subscription(), "session": 42}, "invalid_field", "session"),
    ],
)
def test_a_malformed_body_is_a_400(client, phone, weekend, make, code, field):
    status, detail = error(post(client, make(phone, weekend.main.code)))

    assert (status, detail["code"], detail["field"]) == (400, code, field)
    assert not PushDevice.objects.exists()


def test_an_emoji_only_code_is_just_unknown(client, phone, weekend):
    response = post(client, {"subscription": phone.subscription(), "stage": "🎶🎶🎶"})

    assert error(response) == (404, {"code": "stage_not_found", "message": "No stage has that code.", "field": "stage"})


def test_a_body_that_is_not_json_is_a_400(client, db):
    response = client.post(URL, data="{not json", content_type="application/json")

    assert error(response) == (400, {"code": "invalid_json", "message": "The body is not valid JSON."})


def test_a_huge_body_is_a_413(client, db):
    response = client.post(URL, data=json.dumps({"subscription": {"endpoint": "x" * 100_000}}), content_type="application/json")

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_subscription_needs_a_scope(client, phone, db):
    assert error(post(client, {"subscription": phone.subscription()})) == (
        400, {"code": "missing_scope", "message": "Say what to follow: a stage or a session code.", "field": "stage"},
    )
    assert not PushDevice.objects.exists()


def test_an_unknown_stage_or_set_is_a_404(client, phone, db):
    assert error(post(client, {"subscription": phone.subscription(), "stage": "nope2345"})) == (
        404, {"code": "stage_not_found", "message": "No stage has that code.", "field": "stage"},
    )
    assert error(post(client, {"subscription": phone.subscription(), "session": "nope2345"})) == (
        404, {"code": "session_not_found", "message": "No set has that code.", "field": "session"},
    )
    assert not PushDevice.objects.exists()


def test_a_draft_events_stage_is_followed_only_by_its_organizer(client, phone, weekend, organizer, dj):
    Event.objects.filter(pk=weekend.event.pk).update(status=Event.Status.DRAFT)

    assert post(client, {"subscription": phone.subscription(), "stage": weekend.main.code}).status_code == 404
    client.force_login(dj)
    assert post(client, {"subscription": phone.subscription(), "stage": weekend.main.code}).status_code == 404
    client.force_login(organizer)
    assert post(client, {"subscription": phone.subscription(), "stage": weekend.main.code}).status_code == 201


def test_an_ended_set_cannot_be_followed(client, phone, dj):
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    dj_set.end()

    assert error(post(client, {"subscription": phone.subscription(), "session": dj_set.code})) == (
        409, {"code": "session_ended", "message": "This set has ended; there is nothing more to follow.", "field": "session"},
    )


# --- The SSRF guard ------------------------------------------------------------------

@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://android.googleapis.com/gcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
        "https://web.push.apple.com/QGdF4x2c",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://FCM.googleapis.com:443/fcm/send/x",
    ],
)
def test_the_known_push_services_are_allowed(endpoint, settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []
    assert push.endpoint_allowed(endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example.com/push",
        "http://fcm.googleapis.com/fcm/send/x",  # not https
        "https://fcm.googleapis.com:8443/fcm/send/x",
        "https://fcm.googleapis.com.evil.example/fcm/send/x",
        "https://evilfcm.googleapis.com.example/x",
        "https://user:pass@fcm.googleapis.com/fcm/send/x",
        "https://notfcm.googleapis.com/x",
        "http://127.0.0.1:8000/admin/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "https://[::1]/push",
        "file:///etc/passwd",
        "fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:99999/x",
        "javascript:alert(1)",
    ],
)
def test_anything_else_is_refused(endpoint, settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []
    assert not push.endpoint_allowed(endpoint)


def test_the_setting_allows_extra_hosts_and_only_those(settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = ["push.example.org", " 127.0.0.1 "]

    assert push.endpoint_allowed("https://push.example.org/p/1")
    assert push.endpoint_allowed("http://127.0.0.1:41234/push/phone")
    assert not push.endpoint_allowed("https://sub.push.example.org/p/1")
    assert not push.endpoint_allowed("http://127.0.0.2/push/phone")


def test_the_setting_may_be_a_comma_separated_string(settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = "push.example.org, relay.example.net"

    assert push.endpoint_allowed("https://relay.example.net/p")
    assert not push.endpoint_allowed("https://evil.example.com/p")


def test_subscribing_an_endpoint_outside_the_push_services_is_refused(client, phone, weekend, settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []

    response = post(client, {"subscription": phone.subscription(), "stage": weekend.main.code})

    assert error(response) == (400, {
        "code": "endpoint_not_allowed", "message": "That endpoint is not a known push service.",
        "field": "subscription.endpoint",
    })
    assert not PushDevice.objects.exists()


# --- Rate limits ---------------------------------------------------------------------

def test_subscribing_is_rate_limited_per_client(client, push_service, weekend, settings):
    settings.PIKA_PUSH_SUBSCRIBE_RATE = "3/m"
    client.cookies[CLIENT_COOKIE] = new_client_id()
    statuses = [
        post(client, {"subscription": Subscriber(push_service, f"p{n}").subscription(), "stage": weekend.main.code}).status_code
        for n in range(4)
    ]

    assert statuses == [201, 201, 201, 429]
    assert PushDevice.objects.count() == 3
    client.cookies[CLIENT_COOKIE] = new_client_id()  # another phone on the same wifi
    assert post(client, {"subscription": Subscriber(push_service, "p9").subscription(), "stage": weekend.main.code}).status_code == 201


def test_subscribing_is_rate_limited_per_ip_address(client, push_service, weekend, settings):
    settings.PIKA_PUSH_SUBSCRIBE_IP_RATE = "4/m"
    statuses = []
    for n in range(5):
        client.cookies[CLIENT_COOKIE] = f"{n}" * 32  # a script making up a new client id each time
        body = {"subscription": Subscriber(push_service, f"p{n}").subscription(), "stage": weekend.main.code}
        statuses.append(post(client, body).status_code)

    assert statuses == [201, 201, 201, 201, 429]
    response = post(client, {"subscription": Subscriber(push_service, "more").subscription(), "stage": weekend.main.code})
    assert error(response) == (429, {"code": "rate_limited", "message": "Too many requests; slow down and retry."})
    other_ip = post(client, {"subscription": Subscriber(push_service, "far").subscription(), "stage": weekend.main.code},
                    REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 201
