"""Pika! settings: one file, read from environment variables, with working local defaults.

No configuration at all gives SQLite, the in-memory channel layer, the local-memory
cache and django-q2 on the ORM broker. DATABASE_URL and REDIS_URL switch to the real
services production runs on.
"""

import sys
import warnings
from pathlib import Path

import environ
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# PIKA_PRODUCTION=1 (the container image sets it): behind a TLS-terminating proxy, with
# a real secret, secure cookies and HSTS; `manage.py check --deploy` is clean.
PIKA_PRODUCTION = env.bool("PIKA_PRODUCTION", default=False)

if PIKA_PRODUCTION:
    # No fallback: a guessable key signs sessions and password resets for everyone.
    SECRET_KEY = env("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (50+ random characters) when PIKA_PRODUCTION is on; "
            "make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
else:
    SECRET_KEY = env("SECRET_KEY", default="pika-dev-only-secret-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base of the links printed in QR codes and returned by the API. Unset, the API
# answers with the address each request reached (what the DJ's agent used), not 127.0.0.1.
PIKA_BASE_URL_SET = bool(env("PIKA_BASE_URL", default=""))
PIKA_BASE_URL = (env("PIKA_BASE_URL", default="") or "http://127.0.0.1:8000").rstrip("/")
if PIKA_PRODUCTION and not PIKA_BASE_URL.startswith("https://"):
    # Printed QR codes outlive any redirect: they must say https themselves.
    raise ImproperlyConfigured(f"PIKA_BASE_URL must start with https:// when PIKA_PRODUCTION is on (it is {PIKA_BASE_URL!r}).")
# A live set with no new track for this long ends by itself (a DJ who forgot "End set").
PIKA_IDLE_SESSION_HOURS = env.float("PIKA_IDLE_SESSION_HOURS", default=6)
# Where local state lives when no real services are configured (SQLite, VAPID keys).
# The dashboard's follower reads the DJ software's history this often, and trusts a
# last line without its newline once the file has been still this long (as the agent does).
PIKA_FOLLOW_POLL_SECONDS = env.float("PIKA_FOLLOW_POLL_SECONDS", default=2.0)
PIKA_FOLLOW_SETTLE_SECONDS = env.float("PIKA_FOLLOW_SETTLE_SECONDS", default=2.0)
PIKA_VAR_DIR = Path(env("PIKA_VAR_DIR", default=str(BASE_DIR / "var")))
PIKA_VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "allauth",
    "allauth.account",
    "django_q",
    "accounts",
    "events",
    "stages",
    "crate",
    "announcements",
    "crowd",
    "recaps",
    "dj",
    "pika",
]

MIDDLEWARE = [
    # Outermost: broadcasts queued during the request run after its response (pika/deferred.py).
    "pika.deferred.after_response_middleware",
    "pika.middleware.client_ip_middleware",
    "pika.middleware.bad_input_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pika.middleware.htmx_login_redirect_middleware",
    "allauth.account.middleware.AccountMiddleware",
    "pika.middleware.client_id_middleware",
    "pika.middleware.viewer_timezone_middleware",
]

ROOT_URLCONF = "pika.urls"
ASGI_APPLICATION = "pika.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pika.context_processors.pika",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{PIKA_VAR_DIR / 'pika.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a test can share its database with a real server process.
    DATABASES["default"]["TEST"] = {"NAME": str(PIKA_VAR_DIR / "test.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    # A pool of PostgreSQL connections per server process (psycopg's, Django 5.1+): under
    # ASGI Django cannot keep a connection per thread, so without it every request and every
    # socket's first state opened a new connection (docs/benchmarks.md, "Pages"). Each
    # process holds 2 to PIKA_DB_POOL_SIZE connections: mind PostgreSQL's max_connections
    # (processes × size + the task worker's). Worker threads hand theirs back after each
    # call (pika/db.py). 0 turns the pool off: a new connection per request.
    # Not in the task worker: django-q2 forks its workers from a process that has queried
    # the database, and a forked pool would share its connections' sockets with the parent.
    POOL_SIZE = 0 if "qcluster" in sys.argv else env.int("PIKA_DB_POOL_SIZE", default=8)
    if POOL_SIZE:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, POOL_SIZE), "max_size": POOL_SIZE,
            # A database outage answers errors within seconds instead of queueing requests.
            "timeout": env.float("PIKA_DB_POOL_TIMEOUT", default=5.0),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    # Pooled or not, a connection is checked before use: after a PostgreSQL restart the
    # pool's idle connections are dead, and a request must get a live one, not an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

REDIS_URL = env("REDIS_URL", default="")


def per_test_worker(prefix):
    """`prefix`, or in a parallel test run (pytest-xdist) `prefix-gw0`, `prefix-gw1`…: the
    workers share one Redis, and one worker's cache.clear() or broadcast must not reach the
    other's tests. The server processes a worker's test starts inherit its PYTEST_XDIST_WORKER."""
    worker = env("PYTEST_XDIST_WORKER", default="")
    return f"{prefix}-{worker}" if worker else prefix


if REDIS_URL:
    CACHES = {
        "default": {
            # Fails open: with Redis down, requests go on without it (pika/cache.py).
            "BACKEND": "pika.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs costs a request a second at most, not a worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": per_test_worker(env("PIKA_CACHE_PREFIX", default="pika")),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer sends one Redis message per group per process, not one
            # per socket: what makes a track reach thousands of phones quickly (channels_redis's,
            # loaded without the encryption we don't use: pika/channel_layer.py).
            "BACKEND": "pika.channel_layer.RedisPubSubChannelLayer",
            "CONFIG": {
                # Groups are spread over several Redis instances by a hash of their
                # name when PIKA_CHANNEL_REDIS_URLS lists them (docs/deploy: past one Redis).
                "hosts": [{"address": url, "max_connections": 1000}
                          for url in env.list("PIKA_CHANNEL_REDIS_URLS", default=[REDIS_URL])],
                "prefix": per_test_worker(env("PIKA_CHANNEL_PREFIX", default="pika")),
            },
        }
    }
    Q_CLUSTER = {
        "name": "pika",
        "redis": REDIS_URL,
        "workers": env.int("PIKA_WORKERS", default=2),
        "timeout": 120,
        "retry": 180,
        "catch_up": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    Q_CLUSTER = {
        "name": "pika",
        "orm": "default",
        "workers": env.int("PIKA_WORKERS", default=1),
        "timeout": 120,
        "retry": 180,
        "catch_up": False,
    }
Q_CLUSTER["sync"] = env.bool("PIKA_TASKS_SYNC", default=False)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Settable so test runs (and the server processes they start) can hash quickly.
PASSWORD_HASHERS = env.list("PASSWORD_HASHERS", default=[
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/dj/"
LOGIN_URL = "/accounts/login/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Sign-up stays open and instant; the confirmation mail is what lets a DJ play on stages
# whose event asks for a verified e-mail (events.Event.drive_refusal).
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pika! <hello@pika.local>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic puts the hashed, compressed files. The container builds them into
# the image, outside the state volume: a volume would keep the first image's files (and
# manifest) across upgrades.
STATIC_ROOT = Path(env("PIKA_STATIC_ROOT", default=str(PIKA_VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves static files from the app itself (no CDN, no separate server). The
# manifest storage gives every file a content-hashed name, and gzip and Brotli copies are
# built once by collectstatic (`make run`, the Dockerfile, CI and the test session run it;
# see pika/staticfiles.py): on a venue's 50 kB/s wifi, htmx is 16 KB instead of 51 KB.
# Hashed files are sent with `Cache-Control: immutable`, so a second scan costs nothing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pika.staticfiles.StaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are for a developer's tools, not worth compressing ahead of time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv",
    "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg", "webm", "wmv", "map",
]
# Names without a hash (the few files linked by name, e.g. from a cached page) may change.
WHITENOISE_MAX_AGE = 3600
# WhiteNoise hands Django a file iterator, which Django's ASGI handler reads in a thread
# and warns about once per process; for small static files that is fine, not news.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every API body is small; anything larger is a mistake or an attack (answered 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
# Nothing here uploads files: every request body, chunked or not, stops at this size
# before Django reads it (pika.asgi), so nothing beyond it is buffered or spooled to disk.
PIKA_MAX_BODY_BYTES = env.int("PIKA_MAX_BODY_BYTES", default=DATA_UPLOAD_MAX_MEMORY_SIZE)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PIKA_PRODUCTION:
    # The proxy terminates TLS and says so in X-Forwarded-Proto (it must overwrite, never
    # pass on, a client's own header); plain http is redirected, except the health check
    # the container's own probe makes.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("PIKA_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("PIKA_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("PIKA_HSTS_PRELOAD", default=True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # The nonce: each page's critical rules are inline (static/css/critical.css), so a
        # dancer's first paint needs no stylesheet round trip; style attributes stay refused.
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
    },
}

# Per DJ token: generous for a DJ (a track every few minutes), a wall for a runaway script.
PIKA_API_RATE = env("PIKA_API_RATE", default="120/m")
# Likes, per anonymous client id and per IP address. A whole venue can share one IP
# behind its wifi NAT, hence the roomy per-IP rate.
PIKA_LIKE_RATE = env("PIKA_LIKE_RATE", default="30/m")
PIKA_LIKE_IP_RATE = env("PIKA_LIKE_IP_RATE", default="600/m")
# Tempo votes, thank-yous and poll answers (crowd/), per dancer and per IP address: a
# script hammering thank-you is refused without slowing the room.
PIKA_CROWD_RATE = env("PIKA_CROWD_RATE", default="30/m")
PIKA_CROWD_IP_RATE = env("PIKA_CROWD_IP_RATE", default="1200/m")
# A poll's live tallies reach the dancers' pages, and taps ping the DJ's crowd panel, at most
# once per this many seconds (the first at once, the last when the window closes).
PIKA_CROWD_TALLY_SECONDS = env.float("PIKA_CROWD_TALLY_SECONDS", default=1.0)
RATELIMIT_VIEW = "pika.views.rate_limited"
# Proxies in front of the app that append to X-Forwarded-For (0: clients connect
# directly and the header is ignored). Rate limits key on the address this yields.
PIKA_TRUSTED_PROXIES = env.int("PIKA_TRUSTED_PROXIES", default=0)
# REMOTE_ADDR is already the client's (pika.middleware.client_ip_middleware): the
# libraries must not read X-Forwarded-For again.
NINJA_NUM_PROXIES = 0
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# New anonymous client ids handed to one address: a whole venue behind one NAT scans
# its QR codes within minutes, a script dropping its cookie asks every second.
PIKA_NEW_CLIENT_IP_RATE = env("PIKA_NEW_CLIENT_IP_RATE", default="300/m")
# A rate limit that cannot reach its cache lets the request through (Redis is a helper).
RATELIMIT_FAIL_OPEN = True
# A server process's listener counts expire this long after it stops renewing them (a
# killed process's phones stop counting within it); renewed every third of it.
PIKA_LISTENER_TTL_SECONDS = env.int("PIKA_LISTENER_TTL_SECONDS", default=60)

# Web Push (announcements/). VAPID key: the base64url private key from
# `manage.py vapid_keys`; without one, a key is made on first use and kept in PIKA_VAR_DIR
# (set it in production: every server process must sign with the same key).
PIKA_VAPID_PRIVATE_KEY = env("PIKA_VAPID_PRIVATE_KEY", default="")
PIKA_VAPID_SUBJECT = env("PIKA_VAPID_SUBJECT", default="mailto:hello@pika.local")
# Hosts allowed as push endpoints besides the known push services (the SSRF guard).
PIKA_PUSH_ENDPOINT_HOSTS = env.list("PIKA_PUSH_ENDPOINT_HOSTS", default=[])
# Subscribing, per anonymous client id and per IP address (a venue shares one IP).
PIKA_PUSH_SUBSCRIBE_RATE = env("PIKA_PUSH_SUBSCRIBE_RATE", default="10/m")
PIKA_PUSH_SUBSCRIBE_IP_RATE = env("PIKA_PUSH_SUBSCRIBE_IP_RATE", default="120/m")
# How long an announcement stays a banner on stage and set pages.
PIKA_ANNOUNCEMENT_BANNER_HOURS = env.float("PIKA_ANNOUNCEMENT_BANNER_HOURS", default=3)

# Spotify (crate/): one platform curator account, connected once by the owner at
# /spotify/connect (authorisation code with PKCE). Without a client id every page works
# and says Spotify is not set up. The URLs are settings so tests use a local server.
PIKA_SPOTIFY_CLIENT_ID = env("PIKA_SPOTIFY_CLIENT_ID", default="")
PIKA_SPOTIFY_API_URL = env("PIKA_SPOTIFY_API_URL", default="https://api.spotify.com").rstrip("/")
PIKA_SPOTIFY_ACCOUNTS_URL = env("PIKA_SPOTIFY_ACCOUNTS_URL", default="https://accounts.spotify.com").rstrip("/")
# Spotify refuses `localhost`; the default is PIKA_BASE_URL's callback.
PIKA_SPOTIFY_REDIRECT_URI = env("PIKA_SPOTIFY_REDIRECT_URI", default=PIKA_BASE_URL + "/spotify/callback")
# The longest Retry-After the client waits for inside a request before giving up for now.
PIKA_SPOTIFY_MAX_WAIT_SECONDS = env.float("PIKA_SPOTIFY_MAX_WAIT_SECONDS", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_sockets": {"()": "pika.logs.QuietSockets"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {"uvicorn.error": {"filters": ["quiet_sockets"]}},
}
