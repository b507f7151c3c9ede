"""(d) Push: one announcement to 1000 Web Push subscriptions, delivered in under 20 s.

Seeds 1000 devices (real P-256 keys) following the bench event's stages, with endpoints on
a local HTTP receiver standing in for the push service; starts a real django-q2 cluster
(`manage.py qcluster`, Redis broker); sends one announcement the way the organizer form
does; and measures from the send until the receiver holds every push. Each push is
encrypted and VAPID-signed by pywebpush on the way, exactly as in production.
"""

import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.env import ROOT, VAR_DIR, base_env

SUBSCRIPTIONS = 1000
TIMEOUT = 120


class Receiver:
    """Counts pushes; answers 201 like a push service, on a keep-alive connection."""

    def __init__(self):
        receiver = self
        self.times = []
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.times.append(time.perf_counter())
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 512
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def seed_devices(event, origin, count):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from announcements.models import PushDevice, PushSubscription
    from announcements.push import b64url

    stages = list(event.stages.all())
    devices = PushDevice.objects.bulk_create([
        PushDevice(
            endpoint=f"{origin}/push/{event.slug}/{n}",
            p256dh=b64url(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)),
            auth=b64url(os.urandom(16)),
        )
        for n in range(count)
    ])
    PushSubscription.objects.bulk_create([
        PushSubscription(device=device, stage=stages[n % len(stages)]) for n, device in enumerate(devices)
    ])


def start_cluster():
    env = base_env()
    env["PIKA_PUSH_ENDPOINT_HOSTS"] = "127.0.0.1"
    log = open(VAR_DIR / "qcluster.log", "ab")
    process = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    return process, log


def wait_until_ready(process):
    """A no-op task round trip: the cluster is up and taking work."""
    from django_q.tasks import async_task, result

    task_id = async_task("math.floor", 1.5)
    if result(task_id, wait=60_000) != 1:
        raise RuntimeError(f"the task cluster did not start; see {VAR_DIR / 'qcluster.log'}")


def run(world, subscriptions=SUBSCRIPTIONS):
    from django.conf import settings
    from django_q.brokers import get_broker

    from announcements.models import Announcement, PushMessage
    from events.models import Event

    event = Event.objects.get(slug=world.event_slug)
    receiver = Receiver()
    # Tasks other runs left in this Redis queue (seeding went live on a stage, test servers
    # enqueue too) would otherwise run first and blur the timing.
    get_broker().purge_queue()
    process, log = start_cluster()
    try:
        seed_devices(event, receiver.origin, subscriptions)
        wait_until_ready(process)
        started = time.perf_counter()
        announcement = Announcement.objects.send(
            author=event.organizer, event=event, message="Competitions start in 15 minutes!",
            priority="urgent", push=True,
        )
        deadline = started + TIMEOUT
        while len(receiver.times) < subscriptions and time.perf_counter() < deadline:
            time.sleep(0.01)
        received = len(receiver.times)
        seconds = (max(receiver.times) - started) if receiver.times else None
        first = (min(receiver.times) - started) if receiver.times else None
        # The counts the organizer sees settle right after the last POST.
        message = PushMessage.objects.get(pk=announcement.push_id)
        while message.pending != 0 and time.perf_counter() < deadline:
            time.sleep(0.05)
            message.refresh_from_db()
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        receiver.stop()
    if received < subscriptions:
        return {"measured": False, "reason": f"only {received} of {subscriptions} pushes arrived in {TIMEOUT} s"}
    return {
        "measured": True,
        "subscriptions": subscriptions,
        "seconds": round(seconds, 2),
        "first_push_seconds": round(first, 3),
        "per_second": round(subscriptions / seconds),
        "delivered": message.delivered,
        "failed": message.failed,
        "workers": settings.Q_CLUSTER.get("workers"),
    }
