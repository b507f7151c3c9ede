"""Request bodies stop at PIKA_MAX_BODY_BYTES, also when they arrive chunked.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE against Content-Length only, after its ASGI
handler has already read the whole body (spooling past 2.5 MB to a temporary file). A
chunked body has no Content-Length, so neither check would ever stop it. Here the body is
counted as it arrives and the request is answered 413 the moment it passes the limit.
"""

import json

from django.conf import settings


class BodyLimit:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.PIKA_MAX_BODY_BYTES
        length = dict(scope.get("headers", ())).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await self.too_large(scope, send, limit)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await self.too_large(scope, send, limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def too_large(self, scope, send, limit):
        message = f"The body is over {limit // 1024} KB."
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"error": {"code": "too_large", "message": message}}).encode()
            content_type = b"application/json"
        else:
            body, content_type = message.encode(), b"text/plain; charset=utf-8"
        await send({
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        })
        await send({"type": "http.response.body", "body": body})
