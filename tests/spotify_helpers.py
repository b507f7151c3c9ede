"""A real local HTTP server speaking the shapes of Spotify's accounts service and Web API
(token, me, search, playlists, playlist items), scriptable per path for 401/429/5xx.

GET /authorize stands for Spotify's consent page: it answers at once with the redirect back
to the app. Two Spotify users sign in: the curator (code "good-code", refresh token "refresh-1") and a
DJ (code "dj-code", refresh token "refresh-nova"); each token, and each playlist, belongs
to its user. A refresh token in `revoked` is refused as Spotify refuses a revoked grant."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from django.utils import timezone

from crate import verification
from crate.models import SpotifyAccount, Track
from stages.models import DJSet


CURATOR = {"id": "pika-curator", "display_name": "Pika! Curator"}
NOVA = {"id": "nova-on-spotify", "display_name": "Nova"}


class FakeSpotify:
    def __init__(self):
        self.requests = []  # (method, path, query, headers, body)
        self.scripts = {}   # "METHOD /path" -> [(status, headers), ...] answered before the normal reply
        self.playlists = {}
        self.tracks = {}    # search query -> [track json]
        self.token_number = 0
        self.valid_tokens = set()
        self.token_owner = {}  # access token -> user json
        self.revoked = set()   # refresh tokens Spotify no longer accepts
        self.codes = {"good-code": (CURATOR, "refresh-1"), "dj-code": (NOVA, "refresh-nova")}
        self.refresh_owner = {"refresh-1": CURATOR, "refresh-nova": NOVA}
        self.authorize_code = "dj-code"  # whom GET /authorize signs in
        self.authorized = []  # the query of each GET /authorize
        self.lock = threading.Lock()

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_any(self, method):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = json.loads(raw) if raw else None
                with fake.lock:
                    fake.requests.append((method, url.path, query, dict(self.headers), body))
                    script = fake.scripts.get(f"{method} {url.path}", [])
                    status, headers, answer = (*script.pop(0), None) if script else fake.reply(method, url.path, query, body, self.headers)
                data = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

            def do_PUT(self):
                self.handle_any("PUT")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def new_token(self, user=None):
        self.token_number += 1
        token = f"access-{self.token_number}"
        self.valid_tokens.add(token)
        self.token_owner[token] = user or CURATOR
        return token

    def reply(self, method, path, query, body, headers):
        if path == "/authorize":
            # The user says yes on Spotify's page: back to the app with a code for them.
            self.authorized.append(query)
            return 302, {"Location": f"{query['redirect_uri']}?code={self.authorize_code}&state={query['state']}"}, None
        if path == "/api/token":
            if body.get("grant_type") == "authorization_code" and body.get("code") in self.codes and body.get("code_verifier"):
                user, refresh_token = self.codes[body["code"]]
                return 200, {}, {"access_token": self.new_token(user), "token_type": "Bearer", "expires_in": 3600,
                                 "refresh_token": refresh_token, "scope": "playlist-modify-public"}
            refresh_token = body.get("refresh_token", "")
            if body.get("grant_type") == "refresh_token" and refresh_token in self.refresh_owner and refresh_token not in self.revoked:
                return 200, {}, {"access_token": self.new_token(self.refresh_owner[refresh_token]),
                                 "token_type": "Bearer", "expires_in": 3600}
            return 400, {}, {"error": "invalid_grant", "error_description": "Refresh token revoked"}
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens:
            return 401, {}, {"error": {"status": 401, "message": "The access token expired"}}
        user = self.token_owner[token]
        if path == "/v1/me":
            return 200, {}, user
        if path == "/v1/search":
            items = self.tracks.get(query["q"], [])
            return 200, {}, {"tracks": {"items": items, "total": len(items)}}
        if path == "/v1/me/playlists" and method == "POST":
            playlist_id = f"pl{len(self.playlists) + 1}"
            self.playlists[playlist_id] = {"name": body["name"], "public": body.get("public"), "items": [],
                                           "owner": user["id"]}
            return 201, {}, {"id": playlist_id, "name": body["name"],
                             "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist_id}"}}
        parts = path.split("/")
        if len(parts) >= 4 and parts[2] == "playlists" and parts[3] in self.playlists:
            playlist = self.playlists[parts[3]]
            if playlist["owner"] != user["id"]:
                return 403, {}, {"error": {"status": 403, "message": "You cannot add tracks to a playlist you don't own."}}
            if len(parts) == 4 and method == "PUT":
                playlist["name"] = body["name"]
                return 200, {}, None
            if len(parts) == 5 and parts[4] == "items":
                if len(body["uris"]) > 100:
                    return 400, {}, {"error": {"status": 400, "message": "Too many ids requested"}}
                if method == "PUT":
                    playlist["items"] = list(body["uris"])
                else:
                    playlist["items"] += body["uris"]
                return (200 if method == "PUT" else 201), {}, {"snapshot_id": "s"}
        return 404, {}, {"error": {"status": 404, "message": "Not found"}}


def connected_account(fake, owner=None):
    """A SpotifyAccount as the sign-in stores it: the curator's (no owner) or a DJ's own."""
    user, refresh_token = CURATOR if owner is None else NOVA, "refresh-1" if owner is None else "refresh-nova"
    account = SpotifyAccount(owner=owner, spotify_user_id=user["id"], display_name=user["display_name"],
                             expires_at=timezone.now())
    account.set_tokens({"access_token": fake.new_token(user), "refresh_token": refresh_token, "expires_in": 3600})
    account.save()
    return account


def matched_set(dj, titles=("Ghost", "Leave the Door Open", "Unmatched")):
    """An ended set of `dj`'s whose tracks are matched to Spotify recordings, but "Unmatched"."""
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    for n, title in enumerate(titles):
        track, _ = dj_set.add_track(artist="Artist", title=title)
        if title != "Unmatched":
            identity = Track.objects.create(artist="Artist", title=title, spotify_uri=f"spotify:track:{n:022d}")
            verification.confirm(dj, track, identity)
    dj_set.end()
    return dj_set
