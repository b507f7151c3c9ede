"""A real local HTTP server standing in for a push service, and browsers' push keys.

The server records every push it receives and answers as a test scripts it (201 by
default). `Subscriber` is what a browser holds: a P-256 key pair and an auth secret; it
decrypts a received push as RFC 8291 (aes128gcm) says, independently of the library
that encrypted it, and checks the VAPID header (RFC 8292).
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class PushService:
    """ThreadingHTTPServer on 127.0.0.1; `answer(name, 500, 201)` scripts a device's replies."""

    received: list = field(default_factory=list)
    scripts: dict = field(default_factory=dict)

    def start(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with service.lock:
                    service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    script = service.scripts.get(self.path.rsplit("/", 1)[-1], [])
                    status, headers = script.pop(0) if script else (201, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def endpoint(self, name):
        return f"{self.origin}/push/{name}"

    def answer(self, name, *statuses, headers=None):
        self.scripts[name] = [(status, headers or {}) for status in statuses]

    def pushes_to(self, name):
        return [push for push in self.received if push.path == f"/push/{name}"]

    def wait_for(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.received


class Subscriber:
    """A browser's side of one push subscription."""

    def __init__(self, service, name):
        self.name = name
        self.endpoint = service.endpoint(name)
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.public_bytes = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth = os.urandom(16)

    def subscription(self):
        """The PushSubscription JSON a browser's `subscription.toJSON()` gives."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(self.public_bytes), "auth": b64url(self.auth)},
        }

    def decrypt(self, received):
        """RFC 8291: the push's plaintext (JSON decoded), from its aes128gcm body."""
        assert received.headers["content-encoding"] == "aes128gcm"
        body = received.body
        salt, record_size, id_length = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        sender_public = body[21:21 + id_length]
        ciphertext = body[21 + id_length:]
        assert id_length == 65 and len(ciphertext) <= record_size
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
        shared = self.private_key.exchange(ec.ECDH(), sender)

        def hkdf(salt_, ikm, info, length):
            return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt_, info=info).derive(ikm)

        ikm = hkdf(self.auth, shared, b"WebPush: info\x00" + self.public_bytes + sender_public, 32)
        key = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(key).decrypt(nonce, ciphertext, None)
        unpadded = padded.rstrip(b"\x00")
        assert unpadded.endswith(b"\x02"), "the last record ends with the 0x02 delimiter"
        return json.loads(unpadded[:-1])


def verify_vapid(received, public_key, subject, audience):
    """Check the VAPID Authorization header (RFC 8292); returns the JWT claims."""
    scheme, _, params = received.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == public_key
    header_b64, claims_b64, signature_b64 = values["t"].split(".")
    header = json.loads(unb64url(header_b64))
    assert header == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID JWT is not signed with the server's key") from None
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience
    assert claims["sub"] == subject
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    return claims


def subscribe(subscriber, **scope):
    """Store a subscription the way the API does (the API itself is tested on its own)."""
    from announcements.models import PushDevice

    device, _ = PushDevice.objects.subscribe(
        endpoint=subscriber.endpoint,
        p256dh=subscriber.subscription()["keys"]["p256dh"],
        auth=subscriber.subscription()["keys"]["auth"],
        **scope,
    )
    return device
