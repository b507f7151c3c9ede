"""The one Spotify Web API client. Every call goes through it; its base URLs are settings.

Tokens belong to a SpotifyAccount (the platform curator's or a DJ's own), refreshed when
they are about to expire or when Spotify answers 401. A refresh Spotify refuses (revoked,
or a refresh token older than six months) marks the account as needing a reconnect and
raises SpotifyRevoked. A 429 is waited out when its Retry-After is short, else raised as
SpotifyUnavailable with the wait, like a 5xx or a network error: the caller shows the
state to the DJ, never a 500.
"""

import base64
import hashlib
import secrets
import time
from datetime import timedelta
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.utils import timezone

SCOPES = "playlist-modify-public playlist-modify-private"
CHUNK = 100
TIMEOUT = 10


class SpotifyError(Exception):
    """Spotify said no (4xx other than 401/429): a bug or a revoked grant."""


class SpotifyRevoked(SpotifyError):
    """The account's sign-in no longer works (revoked or expired): its owner must reconnect."""


class SpotifyUnavailable(Exception):
    """Spotify is busy (429), down (5xx) or unreachable: try again later."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


def configured():
    return bool(settings.PIKA_SPOTIFY_CLIENT_ID)


# The authorisation code flow with PKCE (RFC 7636): no client secret on the server.

def new_pkce():
    """(verifier, challenge) for one sign-in."""
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(state, challenge):
    return settings.PIKA_SPOTIFY_ACCOUNTS_URL + "/authorize?" + urlencode({
        "client_id": settings.PIKA_SPOTIFY_CLIENT_ID, "response_type": "code",
        "redirect_uri": settings.PIKA_SPOTIFY_REDIRECT_URI, "scope": SCOPES, "state": state,
        "code_challenge_method": "S256", "code_challenge": challenge,
    })


def _token_request(data):
    try:
        response = requests.post(settings.PIKA_SPOTIFY_ACCOUNTS_URL + "/api/token", data={
            **data, "client_id": settings.PIKA_SPOTIFY_CLIENT_ID,
        }, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise SpotifyUnavailable(f"Spotify's sign-in service is unreachable ({error.__class__.__name__}).") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise SpotifyUnavailable(f"Spotify's sign-in service answered {response.status_code}.")
    if response.status_code != 200:
        raise SpotifyRevoked(f"Spotify refused the sign-in ({response.status_code}).")
    return response.json()


def exchange_code(code, verifier):
    """The tokens for an authorisation code: {"access_token", "refresh_token", "expires_in"}."""
    return _token_request({"grant_type": "authorization_code", "code": code,
                           "redirect_uri": settings.PIKA_SPOTIFY_REDIRECT_URI, "code_verifier": verifier})


class SpotifyClient:
    def __init__(self, account):
        self.account = account

    def _stored(self, name):
        """A stored token, decrypted; one that no longer decrypts (SECRET_KEY changed) is
        a sign-in to make again, not a crash."""
        from cryptography.fernet import InvalidToken  # with the encryption it belongs to (crate/models.py)

        try:
            return getattr(self.account, name)
        except InvalidToken:
            self.account.mark_revoked()
            raise SpotifyRevoked("The stored Spotify sign-in can no longer be decrypted (SECRET_KEY changed).") from None

    def refresh(self):
        try:
            tokens = _token_request({"grant_type": "refresh_token", "refresh_token": self._stored("refresh_token")})
        except SpotifyRevoked:
            self.account.mark_revoked()
            raise
        self.account.store_tokens(tokens)

    def request(self, method, path, *, params=None, json=None, retried=False):
        if self.account.expires_at <= timezone.now() + timedelta(seconds=30):
            self.refresh()
        try:
            response = requests.request(
                method, settings.PIKA_SPOTIFY_API_URL + path, params=params, json=json, timeout=TIMEOUT,
                headers={"Authorization": f"Bearer {self._stored('access_token')}"},
            )
        except requests.RequestException as error:
            raise SpotifyUnavailable(f"Spotify is unreachable ({error.__class__.__name__}).") from error
        if response.status_code == 401 and not retried:
            self.refresh()
            return self.request(method, path, params=params, json=json, retried=True)
        if response.status_code == 429:
            wait = int(response.headers.get("Retry-After", "1") or 1)
            if not retried and wait <= settings.PIKA_SPOTIFY_MAX_WAIT_SECONDS:
                time.sleep(wait)
                return self.request(method, path, params=params, json=json, retried=True)
            raise SpotifyUnavailable(f"Spotify asked us to wait {wait} s.", retry_after=wait)
        if response.status_code >= 500:
            raise SpotifyUnavailable(f"Spotify answered {response.status_code}.")
        if response.status_code == 401:
            # A fresh token refused too: the grant is gone.
            self.account.mark_revoked()
            raise SpotifyRevoked(f"Spotify refused the account's fresh token ({method} {path}).")
        if response.status_code == 403:
            # A Spotify app in development mode serves only the users added in its dashboard.
            raise SpotifyError("Spotify refused this account (403): a Spotify app in development mode works only "
                               "for the users its owner added in Spotify's developer dashboard.")
        if response.status_code >= 400:
            raise SpotifyError(f"Spotify refused {method} {path} ({response.status_code}).")
        return response.json() if response.content else {}

    def me(self):
        return self.request("GET", "/v1/me")

    def search_track(self, artist="", title="", isrc=""):
        """The best Spotify track for an ISRC, else for artist + title, or None."""
        queries = ([f"isrc:{isrc}"] if isrc else []) + ([f"artist:{artist} track:{title}"] if artist and title else [])
        for query in queries:
            items = self.request("GET", "/v1/search", params={"q": query, "type": "track", "limit": 5})["tracks"]["items"]
            if items:
                return items[0]
        return None

    def create_playlist(self, name, description):
        return self.request("POST", "/v1/me/playlists", json={"name": name, "description": description, "public": True})

    def update_playlist(self, playlist_id, name, description):
        self.request("PUT", f"/v1/playlists/{playlist_id}", json={"name": name, "description": description})

    def set_items(self, playlist_id, uris):
        """The playlist holds exactly `uris`, in order: the first 100 replace what was there,
        the rest are added 100 at a time (Spotify's limit per call)."""
        chunks = [uris[i:i + CHUNK] for i in range(0, len(uris), CHUNK)] or [[]]
        self.request("PUT", f"/v1/playlists/{playlist_id}/items", json={"uris": chunks[0]})
        for chunk in chunks[1:]:
            self.request("POST", f"/v1/playlists/{playlist_id}/items", json={"uris": chunk})
