"""The Pika! token API, as the agent uses it.

Every failure becomes one of a few exceptions the agent knows how to handle:
Offline (retry later), RateLimited (wait, retry), Rejected (this track can never
be stored), SessionGone (the set ended on the server), Unauthorized (stop).
"""

from __future__ import annotations

import hashlib

import httpx

from pika_dj import __version__


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(f"{message} (HTTP {status}, {code})")
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    @property
    def reason(self) -> str:
        """The server's message, ready to sit inside a sentence of ours."""
        return self.message.strip().rstrip(".") or self.code


class Unauthorized(ApiError):
    """401/403: the token is wrong, revoked, or may not do this."""


class NotFound(ApiError):
    """404: unknown stage code or session."""


class SessionGone(ApiError):
    """409 (or 404 for a known session): the set was ended on the server."""


class Rejected(ApiError):
    """400/413/422: the server will never accept this body."""


class RateLimited(ApiError):
    def __init__(self, *args, retry_after: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class Offline(Exception):
    """No usable answer: connection refused, timeout, DNS, or a 5xx from the server or a proxy."""


def normalize_server(url: str) -> str:
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "https://" + url
    return url


class PikaClient:
    def __init__(self, server: str, token: str, *, timeout: float = 10.0):
        self.server = normalize_server(server)
        # Lets a restarted agent tell "same DJ" from "another token" without storing the token.
        self.token_fingerprint = hashlib.sha256(token.encode()).hexdigest()[:16]
        self._http = httpx.Client(
            base_url=self.server,
            timeout=timeout,
            headers={
                "Authorization": f"Bearer {token}",
                "User-Agent": f"pika-dj/{__version__}",
                "Accept": "application/json",
            },
        )

    def close(self) -> None:
        self._http.close()

    def start_session(self, dj_name: str | None = None, stage: str | None = None) -> dict:
        body = {}
        if dj_name:
            body["dj_name"] = dj_name
        if stage:
            body["stage"] = stage
        return self._call("POST", "/api/v1/sessions", body)

    def list_stages(self) -> dict:
        """The stages a DJ may play on: a cheap call that proves the server and token."""
        return self._call("GET", "/api/v1/stages", None)

    def post_track(self, session_id: int, payload: dict) -> dict:
        try:
            return self._call("POST", f"/api/v1/sessions/{session_id}/tracks", payload)
        except NotFound as error:
            raise SessionGone(error.status, error.code, error.message, error.field) from None

    def end_session(self, session_id: int) -> dict:
        try:
            return self._call("POST", f"/api/v1/sessions/{session_id}/end", None)
        except NotFound as error:
            raise SessionGone(error.status, error.code, error.message, error.field) from None

    def _call(self, method: str, path: str, body: dict | None) -> dict:
        try:
            response = self._http.request(method, path, json=body)
        except httpx.HTTPError as error:
            raise Offline(_describe(error)) from error
        if response.status_code >= 500:
            raise Offline(f"the server answered HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.is_success:
            if not isinstance(data, dict):
                raise Offline(f"{self.server} did not answer with JSON: is it a Pika! server?")
            return data
        raise _error(response, data, self.server)


def _error(response: httpx.Response, data, server: str) -> Exception:
    status = response.status_code
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        # Not Pika! talking: a captive portal, a proxy, or the wrong URL. Retry later.
        return Offline(f"{server} answered HTTP {status}, not as a Pika! server would")
    args = (status, str(error.get("code", "error")), str(error.get("message", "")), error.get("field"))
    if status in (401, 403):
        return Unauthorized(*args)
    if status == 404:
        return NotFound(*args)
    if status == 409:
        return SessionGone(*args)
    if status == 429:
        return RateLimited(*args, retry_after=_retry_after(response))
    if status in (400, 413, 422):
        return Rejected(*args)
    return ApiError(*args)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return 5.0


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({error})" if str(error) else "cannot connect"
    return str(error) or type(error).__name__
