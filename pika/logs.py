"""What the server prints: what an operator needs, not a line per phone."""

import logging

# websockets (through uvicorn) reports every socket's open and close at INFO: at a venue,
# a line per phone per wifi hiccup, with nothing an operator can act on.
SOCKET_CHATTER = ("connection open", "connection closed", "connection rejected")
# uvicorn's own line per WebSocket handshake is an access-log line in all but name.
HANDSHAKE = '%s - "WebSocket %s"'


class QuietSockets(logging.Filter):
    def filter(self, record):
        message = record.msg if isinstance(record.msg, str) else ""
        if message.startswith(SOCKET_CHATTER):
            return False
        if message.startswith(HANDSHAKE):
            # Kept when the access log is on (uvicorn removes its handlers with --no-access-log).
            return bool(logging.getLogger("uvicorn.access").handlers)
        return True
