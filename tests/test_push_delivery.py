"""Push delivery against a real local push service: encrypted, signed, counted, pruned, retried."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule

from announcements import push
from announcements.models import Announcement, PushDevice, PushMessage
from tests.push_helpers import Subscriber, subscribe, verify_vapid


def announce(weekend, organizer, capture, message="Competitions start in 15 minutes!", priority="important"):
    with capture(execute=True):
        return Announcement.objects.send(
            author=organizer, event=weekend.event, message=message, priority=priority, push=True
        )


def test_a_push_arrives_encrypted_for_the_device_and_signed_with_the_vapid_key(
    push_service, weekend, organizer, settings, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "phone")
    subscribe(phone, stage=weekend.main)

    announcement = announce(weekend, organizer, django_capture_on_commit_callbacks)

    [received] = push_service.received
    assert phone.decrypt(received) == {
        "title": "Swing Into Spring",
        "body": "Competitions start in 15 minutes!",
        "url": "/e/swing-into-spring",
        "tag": f"announcement-{announcement.code}",
        "priority": "important",
    }
    claims = verify_vapid(received, push.public_key(), settings.PIKA_VAPID_SUBJECT, push_service.origin)
    assert set(claims) == {"aud", "exp", "sub"}
    message = PushMessage.objects.get()
    assert (message.recipients, message.delivered, message.failed, message.removed) == (1, 1, 0, 0)
    assert message.is_finished
    assert PushDevice.objects.get().last_delivered_at is not None


@pytest.mark.parametrize(
    ("priority", "ttl", "urgency"),
    [("info", "10800", "low"), ("important", "3600", "normal"), ("urgent", "900", "high")],
)
def test_ttl_and_urgency_follow_the_priority(
    push_service, weekend, organizer, django_capture_on_commit_callbacks, priority, ttl, urgency
):
    phone = Subscriber(push_service, "phone")
    subscribe(phone, stage=weekend.main)

    announce(weekend, organizer, django_capture_on_commit_callbacks, priority=priority)

    [received] = push_service.received
    assert (received.headers["ttl"], received.headers["urgency"]) == (ttl, urgency)
    expected_title = "Urgent · Swing Into Spring" if priority == "urgent" else "Swing Into Spring"
    assert phone.decrypt(received)["title"] == expected_title


def test_each_device_gets_one_push_however_many_stages_of_the_event_it_follows(
    push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    both = Subscriber(push_service, "both-rooms")
    subscribe(both, stage=weekend.main)
    subscribe(both, stage=weekend.blues)
    blues_only = Subscriber(push_service, "blues-only")
    subscribe(blues_only, stage=weekend.blues)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert sorted(push.path for push in push_service.received) == ["/push/blues-only", "/push/both-rooms"]
    assert PushMessage.objects.get().recipients == 2


@pytest.mark.parametrize("status", [410, 404])
def test_a_device_the_push_service_says_is_gone_is_deleted(
    push_service, weekend, organizer, django_capture_on_commit_callbacks, status
):
    gone, kept = Subscriber(push_service, "gone"), Subscriber(push_service, "kept")
    subscribe(gone, stage=weekend.main)
    subscribe(kept, stage=weekend.main)
    push_service.answer("gone", status)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert list(PushDevice.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    message = PushMessage.objects.get()
    assert (message.recipients, message.delivered, message.failed, message.removed) == (2, 1, 0, 1)
    assert len(push_service.pushes_to("gone")) == 1  # never tried again


def test_a_passing_failure_is_retried_until_it_is_delivered(
    push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "flaky")
    subscribe(phone, stage=weekend.main)
    push_service.answer("flaky", 503, 500)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    attempts = push_service.pushes_to("flaky")
    assert len(attempts) == 3
    assert phone.decrypt(attempts[-1])["body"] == "Competitions start in 15 minutes!"
    message = PushMessage.objects.get()
    assert (message.delivered, message.failed, message.removed) == (1, 0, 0)


def test_a_failure_that_never_passes_is_given_up_after_the_last_attempt(
    push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    from announcements.models import MAX_ATTEMPTS

    phone = Subscriber(push_service, "down")
    subscribe(phone, stage=weekend.main)
    push_service.answer("down", *[502] * 10)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert len(push_service.pushes_to("down")) == MAX_ATTEMPTS == 4
    message = PushMessage.objects.get()
    assert (message.delivered, message.failed, message.removed) == (0, 1, 0)
    assert PushDevice.objects.count() == 1  # a struggling push service is no reason to forget the device


def test_an_unreachable_push_service_is_retried_and_then_counted_failed(
    weekend, organizer, settings, django_capture_on_commit_callbacks
):
    from tests.live_server import free_port

    settings.PIKA_PUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
    device, _ = PushDevice.objects.subscribe(
        endpoint=f"http://127.0.0.1:{free_port()}/push/nobody-listens", **_keys(), stage=weekend.main
    )

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    message = PushMessage.objects.get()
    assert (message.recipients, message.delivered, message.failed) == (1, 0, 1)
    assert PushDevice.objects.filter(pk=device.pk).exists()


def _keys():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": push.b64url(point), "auth": push.b64url(b"0123456789abcdef")}


@pytest.mark.parametrize("status", [400, 403, 413])
def test_a_refusal_is_a_failure_without_retry(
    push_service, weekend, organizer, django_capture_on_commit_callbacks, status
):
    phone = Subscriber(push_service, "refused")
    subscribe(phone, stage=weekend.main)
    push_service.answer("refused", status)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert len(push_service.pushes_to("refused")) == 1
    message = PushMessage.objects.get()
    assert (message.delivered, message.failed, message.removed) == (0, 1, 0)


def test_the_retry_waits_with_backoff_in_the_task_cluster(push_service, weekend, monkeypatch):
    phone = Subscriber(push_service, "flaky")
    device = subscribe(phone, stage=weekend.main)
    message = PushMessage.objects.create(
        stage=weekend.main, title="t", body="b", url="/", tag="x", ttl=3600, urgency="normal"
    )
    monkeypatch.setattr(Conf, "SYNC", False)

    push_service.answer("flaky", 503)
    message.deliver([device.pk], attempt=1)
    push_service.answer("flaky", 503)
    message.deliver([device.pk], attempt=2)
    later = PushMessage.objects.create(
        stage=weekend.main, title="t", body="b", url="/", tag="y", ttl=3600, urgency="normal"
    )
    push_service.answer("flaky", 429, headers={"Retry-After": "200"})
    later.deliver([device.pk], attempt=1)

    waits = [
        (round((schedule.next_run - timezone.now()).total_seconds()), schedule.func, schedule.args)
        for schedule in Schedule.objects.filter(func__startswith="announcements.").order_by("pk")
    ]
    assert waits == [
        (15, "announcements.tasks.deliver_push", f"({message.pk}, [{device.pk}], 2)"),
        (60, "announcements.tasks.deliver_push", f"({message.pk}, [{device.pk}], 3)"),
        (200, "announcements.tasks.deliver_push", f"({later.pk}, [{device.pk}], 2)"),
    ]
    message.refresh_from_db()
    assert (message.delivered, message.failed) == (0, 0)


def test_no_retry_past_the_messages_ttl(push_service, weekend, monkeypatch):
    phone = Subscriber(push_service, "flaky")
    device = subscribe(phone, stage=weekend.main)
    message = PushMessage.objects.create(
        stage=weekend.main, title="t", body="b", url="/", tag="x", ttl=600, urgency="normal",
        created_at=timezone.now() - timedelta(seconds=590),
    )
    monkeypatch.setattr(Conf, "SYNC", False)
    push_service.answer("flaky", 503)

    message.deliver([device.pk], attempt=1)

    assert push_service.pushes_to("flaky")[0].headers["ttl"] in ("10", "9")
    assert not Schedule.objects.filter(func__startswith="announcements.").exists()
    message.refresh_from_db()
    assert message.failed == 1


def test_an_expired_message_is_not_sent(push_service, weekend):
    phone = Subscriber(push_service, "late")
    device = subscribe(phone, stage=weekend.main)
    message = PushMessage.objects.create(
        stage=weekend.main, title="t", body="b", url="/", tag="x", ttl=600, urgency="normal",
        created_at=timezone.now() - timedelta(hours=1),
    )

    message.deliver([device.pk], attempt=2)

    assert push_service.received == []
    message.refresh_from_db()
    assert message.failed == 1


def test_a_redirect_from_the_push_service_is_not_followed(
    push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "moved")
    subscribe(phone, stage=weekend.main)
    push_service.answer("moved", 307, headers={"Location": push_service.endpoint("elsewhere")})

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert [push.path for push in push_service.received] == ["/push/moved"]
    assert PushMessage.objects.get().failed == 1


def test_an_endpoint_no_longer_allowed_is_not_posted_to(
    push_service, weekend, organizer, settings, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "phone")
    subscribe(phone, stage=weekend.main)
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert push_service.received == []
    assert PushMessage.objects.get().failed == 1


def test_a_big_audience_is_delivered_in_batches(
    push_service, weekend, organizer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("announcements.models.BATCH_SIZE", 2)
    phones = [Subscriber(push_service, f"phone-{n}") for n in range(5)]
    for phone in phones:
        subscribe(phone, stage=weekend.main)

    announce(weekend, organizer, django_capture_on_commit_callbacks)

    assert sorted(push.path for push in push_service.received) == sorted(f"/push/{p.name}" for p in phones)
    message = PushMessage.objects.get()
    assert (message.recipients, message.delivered) == (5, 5)


def test_a_device_unsubscribed_while_queued_counts_as_removed(push_service, weekend):
    phone = Subscriber(push_service, "left")
    device = subscribe(phone, stage=weekend.main)
    message = PushMessage.objects.create(
        stage=weekend.main, title="t", body="b", url="/", tag="x", ttl=600, urgency="normal"
    )
    device_id = device.pk
    device.delete()

    message.deliver([device_id])

    assert push_service.received == []
    message.refresh_from_db()
    assert (message.delivered, message.failed, message.removed) == (0, 0, 1)


def test_an_announcement_without_push_sends_nothing(
    push_service, weekend, organizer, django_capture_on_commit_callbacks
):
    subscribe(Subscriber(push_service, "phone"), stage=weekend.main)

    with django_capture_on_commit_callbacks(execute=True):
        announcement = Announcement.objects.send(
            author=organizer, event=weekend.event, message="Water at the bar", push=False
        )

    assert announcement.push is None
    assert push_service.received == []
    assert not PushMessage.objects.exists()
