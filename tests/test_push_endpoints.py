"""Push endpoints an attacker hands us: parser confusion, redirects, slow hosts, broken
devices, and retried tasks — against real local HTTP servers."""

import socket
import threading
import time

import pytest

from announcements import push
from announcements.models import REFUSALS_LIMIT, PushDelivery, PushDevice, PushMessage
from tests.push_helpers import PushService, Subscriber, subscribe

BYPASSES = [
    # The reported one: urlsplit reads the host as "attacker.tld\.fcm.googleapis.com",
    # requests connects to attacker.tld.
    "https://attacker.tld\\.fcm.googleapis.com/x",
    "https://attacker.tld\\@fcm.googleapis.com/x",
    "https://fcm.googleapis.com\\@attacker.tld/x",
    "https://fcm.googleapis.com@attacker.tld/x",
    "https://attacker.tld@fcm.googleapis.com/x",
    "https://:@fcm.googleapis.com/x",
    "https://fcm.googleapis.com%40attacker.tld/x",
    "https://fcm.googleapis.com%2f@attacker.tld/x",
    "https://attacker%2etld%2efcm.googleapis.com/x",
    "https://fcm%2egoogleapis%2ecom/x",
    "https://attacker.tld%00.fcm.googleapis.com/x",
    "https://attacker.tld#.fcm.googleapis.com/x",
    "https://attacker.tld?.fcm.googleapis.com/x",
    "https://[::1]/fcm.googleapis.com",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:7f00:1]:443/x",
    "https://[fe80::1%25eth0]/x",
    "https://[fcm.googleapis.com]/x",
    "https://2130706433/x",
    "https://0x7f.0.0.1/x",
    "https://127.0.0.1/x",
    "https://fcm.googleapis.com\t.attacker.tld/x",
    "https://fcm.googleapis.com /x",
    " https://fcm.googleapis.com/x",
    "https://fcm.googleapis.com/x\n",
    "https://fcm.googleapis.com。attacker.tld/x",
    "https://ｆcm.googleapis.com/x",
    "https://fcm.googleapis.com/caf\u00e9",
    'https://fcm.googleapis.com/"x"',
    "https://fcm.googleapis.com/<x>",
    "HTTPS://attacker.tld\\.FCM.googleapis.com/x",
    "https:/\\attacker.tld/.fcm.googleapis.com/x",
    "https:attacker.tld/fcm.googleapis.com/x",
    "//fcm.googleapis.com/x",
]


@pytest.mark.parametrize("endpoint", BYPASSES)
def test_parser_confusion_and_ip_literals_are_refused(endpoint, settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []

    assert not push.endpoint_allowed(endpoint)


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-x_y~z",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh%3D%3D",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2b&x=1",
    "https://web.push.apple.com/QGdF4x2c-9_Q",
])
def test_real_push_service_endpoints_still_pass(endpoint, settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = []

    assert push.endpoint_allowed(endpoint)


def test_an_allowed_extra_host_is_matched_by_the_host_the_client_connects_to(settings):
    settings.PIKA_PUSH_ENDPOINT_HOSTS = ["push.example.org"]

    assert push.endpoint_allowed("https://push.example.org/p")
    assert not push.endpoint_allowed("https://127.0.0.1\\.push.example.org/p")
    assert not push.endpoint_allowed("https://push.example.org@127.0.0.1/p")
    assert not push.endpoint_allowed("https://push%2eexample.org/p")


@pytest.mark.parametrize("endpoint", BYPASSES[:6])
def test_a_bypass_is_refused_at_subscribe_with_a_400(client, weekend, push_service, endpoint, settings):
    import json

    settings.PIKA_PUSH_ENDPOINT_HOSTS = []
    body = Subscriber(push_service, "phone").subscription()
    body["endpoint"] = endpoint

    response = client.post("/api/v1/push/subscriptions", json.dumps({"subscription": body, "stage": weekend.main.code}),
                           content_type="application/json")

    assert (response.status_code, response.json()["error"]["code"]) == (400, "endpoint_not_allowed")
    assert not PushDevice.objects.exists()


class Listener:
    """A bare TCP server that counts connections: the attacker's host, or a silent one."""

    def __init__(self, answer=True):
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.answer = answer
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.held.append(conn)  # never answered: a host that stalls

    def close(self):
        for conn in self.held:
            conn.close()
        self.sock.close()


def _message(weekend):
    return PushMessage.objects.create(stage=weekend.main, title="t", body="b", url="/", tag="x", ttl=3600, urgency="normal")


def test_a_stored_bypass_endpoint_is_checked_again_and_never_connected_to(weekend, settings):
    """A device saved before the guard knew better: the send re-checks and posts nothing."""
    attacker = Listener()
    settings.PIKA_PUSH_ENDPOINT_HOSTS = ["push.example.org"]
    device = PushDevice.objects.create(
        endpoint=f"http://127.0.0.1:{attacker.port}\\.push.example.org/x", p256dh="k", auth="a"
    )

    outcomes = _message(weekend).deliver([device.pk])

    attacker.close()
    assert attacker.connections == 0
    assert outcomes[push.FAILED] == [device.pk]


def test_a_redirect_to_another_host_is_not_followed(push_service, weekend):
    elsewhere = PushService().start()
    phone = Subscriber(push_service, "moved")
    device = subscribe(phone, stage=weekend.main)
    push_service.answer("moved", 302, headers={"Location": elsewhere.endpoint("stolen")})

    outcomes = _message(weekend).deliver([device.pk])

    elsewhere.stop()
    assert elsewhere.received == []
    assert [received.path for received in push_service.received] == ["/push/moved"]
    assert outcomes[push.FAILED] == [device.pk]


def test_a_silent_host_costs_one_timeout_and_does_not_hold_up_the_batch(push_service, weekend, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)  # its retry waits in the schedule, not inline
    silent = Listener()
    monkeypatch.setattr(push, "SEND_TIMEOUT", (1, 1))
    phones = [Subscriber(push_service, f"phone-{n}") for n in range(3)]
    devices = [subscribe(phone, stage=weekend.main) for phone in phones]
    stuck = PushDevice.objects.create(endpoint=f"http://127.0.0.1:{silent.port}/push/stuck", p256dh=devices[0].p256dh,
                                      auth=devices[0].auth)
    message = _message(weekend)

    started = time.monotonic()
    outcomes = message.deliver([stuck.pk] + [device.pk for device in devices])
    elapsed = time.monotonic() - started

    silent.close()
    assert sorted(outcomes[push.DELIVERED]) == sorted(device.pk for device in devices)
    assert outcomes[push.RETRY] == [stuck.pk]
    assert 1 <= elapsed < 2.5


def test_the_send_timeouts_are_short():
    connect, read = push.SEND_TIMEOUT

    assert connect <= 3 and read <= 5


def test_a_device_refused_again_and_again_is_forgotten(push_service, weekend):
    phone = Subscriber(push_service, "broken")
    device = subscribe(phone, stage=weekend.main)

    for n in range(REFUSALS_LIMIT):
        assert PushDevice.objects.filter(pk=device.pk).exists(), f"still kept after {n} refusals"
        push_service.answer("broken", 403 if n % 2 else 400)
        _message(weekend).deliver([device.pk])

    assert not PushDevice.objects.filter(pk=device.pk).exists()
    assert len(push_service.pushes_to("broken")) == REFUSALS_LIMIT


def test_a_delivery_between_refusals_starts_the_count_again(push_service, weekend):
    phone = Subscriber(push_service, "wobbly")
    device = subscribe(phone, stage=weekend.main)

    for status in [400] * (REFUSALS_LIMIT - 1) + [201] + [400] * (REFUSALS_LIMIT - 1):
        push_service.answer("wobbly", status)
        _message(weekend).deliver([device.pk])

    device.refresh_from_db()
    assert device.refusals == REFUSALS_LIMIT - 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_device_is_removed_at_once(push_service, weekend, status):
    phone = Subscriber(push_service, "gone")
    device = subscribe(phone, stage=weekend.main)
    push_service.answer("gone", status)

    message = _message(weekend)
    message.deliver([device.pk])

    message.refresh_from_db()
    assert not PushDevice.objects.filter(pk=device.pk).exists()
    assert (message.delivered, message.failed, message.removed) == (0, 0, 1)


def test_a_task_run_twice_sends_once_and_counts_once(push_service, weekend):
    phones = [Subscriber(push_service, f"phone-{n}") for n in range(3)]
    ids = [subscribe(phone, stage=weekend.main).pk for phone in phones]
    message = _message(weekend)
    PushMessage.objects.filter(pk=message.pk).update(recipients=3, fanned_out_at=message.created_at)

    message.deliver(ids, attempt=1)
    message.deliver(ids, attempt=1)  # the task cluster re-ran the task

    assert sorted(received.path for received in push_service.received) == sorted(f"/push/{p.name}" for p in phones)
    message.refresh_from_db()
    assert (message.delivered, message.failed, message.removed, message.pending) == (3, 0, 0, 0)
    assert set(PushDelivery.objects.filter(message=message).values_list("state", flat=True)) == {"delivered"}


def test_a_retry_run_twice_sends_the_retry_once(push_service, weekend, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)  # keep the scheduled retry for us to run
    phone = Subscriber(push_service, "flaky")
    device = subscribe(phone, stage=weekend.main)
    message = _message(weekend)
    push_service.answer("flaky", 503)

    message.deliver([device.pk], attempt=1)
    message.deliver([device.pk], attempt=2)
    message.deliver([device.pk], attempt=2)

    assert len(push_service.pushes_to("flaky")) == 2
    message.refresh_from_db()
    assert (message.delivered, message.failed) == (1, 0)


def test_concurrent_runs_of_one_task_send_once(push_service, weekend, transactional_db):
    """Two workers running the same batch at the same moment: the claim lets one send."""
    phones = [Subscriber(push_service, f"phone-{n}") for n in range(4)]
    ids = [subscribe(phone, stage=weekend.main).pk for phone in phones]
    message = _message(weekend)
    barrier = threading.Barrier(2)

    def run():
        from django.db import connection

        barrier.wait()
        try:
            message.deliver(ids, attempt=1)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(received.path for received in push_service.received) == sorted(f"/push/{p.name}" for p in phones)
    message.refresh_from_db()
    assert message.delivered == 4
