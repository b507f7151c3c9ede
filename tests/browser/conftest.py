"""Real-browser journeys: Debian's Chromium driven by Playwright on a 390×844 phone.

Each test gets its own browser (function scope): Playwright's sync API keeps an asyncio
loop running in this thread while it is open, which would break the async and ORM tests
that run after the browser tests if the browser outlived them.

A page that logs a JavaScript error or a CSP violation fails its test; so does any axe-core
accessibility violation (WCAG 2.0/2.1/2.2 A and AA rules) in the final state of every page a
journey opened (`phone.audit(page)` checks an earlier state). CSP violations are reported by
the page's own `securitypolicyviolation` events through a Playwright binding, so one on a
page that navigated away, or during the screenshot every page takes before the verdict, is
caught too. When a test fails, every page it opened leaves a screenshot and its console
log in `test-artifacts/`.

axe-core is the npm registry's axe-core 4.14.1 (`tests/browser/vendor/`, MPL-2.0), evaluated
into the page by the test through DevTools: the product pages never load it.
"""

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Reported by the page itself, so a violation can never hide in a console message that
# arrives late; the binding outlives navigations.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  window.pikaCspViolation(e.effectiveDirective + " refused " + (e.blockedURI || "inline")
    + " (" + e.sourceFile + ":" + e.lineNumber + ") " + (e.sample || ""));
});"""
# What a browser logs while the server is really gone (the Reconnect journey): tolerated
# only inside `phone.server_down()`. A script error or a CSP violation never is. htmx
# logs a failed socket as the bare error Event and a failed poll by its event names.
NETWORK_ERRORS = re.compile(
    r"^(WebSocket connection to .* failed.*|Failed to load resource: net::ERR_CONNECTION_REFUSED"
    r"|\[object Event\]|htmx:(sendError|afterRequest), \[object HTML\w+Element\])( \(\S+\))?$"
)
# What a browser logs when the server answers 503 (the database restarting): tolerated only
# inside `phone.server_busy()`.
BUSY_ERRORS = re.compile(
    r"^(Failed to load resource: the server responded with a status of 503 .*"
    r"|Response Status Error Code 503 from \S+, \[object HTML\w+Element\])( \(\S+\))?$"
)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browser(monkeypatch):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The ORM calls in a journey run while Playwright's loop is open in this thread;
    # they are plain blocking calls, not coroutines, so Django's check does not apply.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # With a loop running, Django keeps those calls' connections apart from the
        # thread's own; close them here or they hold the test database open.
        connections.close_all()


class Phone:
    """Opens phone-sized pages (each its own browser context: its own cookies) and
    remembers what their consoles said."""

    def __init__(self, browser, name):
        self.browser = browser
        self.name = name
        self.pages = []
        self.problems = []
        self.tolerating = None

    def open(self, url, label=None, status=200, timezone_id="Europe/Paris", laptop=False):
        device = dict(viewport=LAPTOP) if laptop else dict(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        context = self.browser.new_context(**device, locale="en-US", timezone_id=timezone_id)
        context.set_default_timeout(10_000)
        context.expose_binding(
            "pikaCspViolation", lambda source, text: self._record(source["page"], "CSP violation", text))
        context.add_init_script(CSP_LISTENER)
        return self.open_in(context, url, label, status)

    def open_in(self, context, url, label=None, status=200):
        """Another page in the same browser context: the same cookies, cache and service worker."""
        page = context.new_page()
        page.pika_label = label or f"page{len(self.pages) + 1}"
        page.pika_log = []
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self._record(page, "pageerror", str(error)))
        page.pika_status = status
        self.pages.append(page)
        if url:
            response = page.goto(url)
            assert response.status == status, f"{url} answered {response.status}, expected {status}"
        return page

    def _console(self, page, message):
        where = message.location.get("url", "")
        text = f"{message.text} ({where})" if where else message.text
        page.pika_log.append(f"[{message.type}] {text}")
        if message.type == "error":
            self._record(page, "console.error", text)

    def _record(self, page, kind, text):
        if kind in ("pageerror", "CSP violation", "axe"):
            getattr(page, "pika_log", []).append(f"[{kind}] {text}")
        if kind == "console.error" and _expected_miss(page, text):
            return
        if self.tolerating and kind == "console.error" and self.tolerating.search(text):
            return
        self.problems.append(f"{getattr(page, 'pika_label', 'page')}: {kind}: {text}")

    def audit(self, page):
        """axe-core on the page as it is now: every violation is a problem for the test."""
        if urlsplit(page.url).path.startswith("/admin/"):
            return  # Django's own admin pages: not ours to restyle here (the owner's tool)
        if page.evaluate("document.contentType") != "text/html":
            return  # JSON or an image shown by the browser itself
        if page.evaluate("typeof window.axe") == "undefined":
            page.evaluate(AXE.read_text())
        violations = page.evaluate(
            r"""tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
                 .then(result => result.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " — "
                   + v.nodes.map(n => n.target.join(" ") + " " + n.failureSummary.replace(/\s+/g, " ")).join(" | ")))""",
            AXE_TAGS,
        )
        for violation in violations:
            self._record(page, "axe", f"{page.url}: {violation}")

    def final_checks(self):
        """Each page's last state: an axe audit, then a screenshot (which must not upset the
        CSP either), then a round trip so every report from the page has arrived."""
        for page in self.pages:
            if page.is_closed():
                continue
            self.audit(page)
            page.screenshot()
            page.evaluate("1")

    def server_down(self):
        """While the server is away, the browser's failed connects are expected noise."""
        return self._tolerating(NETWORK_ERRORS)

    def server_busy(self):
        """While the server answers 503, the browser's reports of it are expected noise."""
        return self._tolerating(BUSY_ERRORS)

    def _tolerating(self, errors):
        phone = self

        class Window:
            def __enter__(self):
                phone.tolerating = errors

            def __exit__(self, *exc):
                # Let the browser report what it logged during the outage before closing the window.
                for page in phone.pages:
                    page.evaluate("1")
                phone.tolerating = None

        return Window()

    def save_artifacts(self):
        ARTIFACTS.mkdir(exist_ok=True)
        for page in self.pages:
            stem = ARTIFACTS / f"{self.name}-{page.pika_label}"
            try:
                page.screenshot(path=f"{stem}.png", full_page=True)
            except Exception as error:  # a crashed page still leaves its log behind
                page.pika_log.append(f"[screenshot failed] {error}")
            Path(f"{stem}.console.txt").write_text("\n".join(page.pika_log) + "\n")


def _expected_miss(page, text):
    """A page opened to check its error status logs that status."""
    missed = re.match(r"Failed to load resource: the server responded with a status of (\d+) .*\((.+)\)$", text)
    if not missed:
        return False
    status, url = int(missed.group(1)), missed.group(2)
    return status == page.pika_status and url == page.url


@pytest.fixture
def phone(browser, request):
    phone = Phone(browser, re.sub(r"[^\w.-]+", "_", request.node.name))
    yield phone
    call = getattr(request.node, "report_call", None)
    failed = call is None or call.failed
    # PIKA_SCREENSHOTS=1 keeps them for passing journeys too, to look at the pages on a phone.
    if not failed:
        phone.final_checks()
    if failed or phone.problems or os.environ.get("PIKA_SCREENSHOTS"):
        phone.save_artifacts()
    for page in phone.pages:
        page.context.close()
    if not failed and phone.problems:
        pytest.fail("The page logged errors:\n" + "\n".join(phone.problems), pytrace=False)


@pytest.fixture
def server(server_process):
    return server_process()


class DjApi:
    """The DJ token API over real HTTP, as the pika-dj agent calls it."""

    def __init__(self, base_url, token):
        self.client = httpx.Client(base_url=base_url + "/api/v1", timeout=10,
                                   headers={"Authorization": f"Bearer {token}"})

    def post(self, path, body=None, expect=(200, 201)):
        response = self.client.post(path, json=body or {})
        assert response.status_code in expect, response.text
        return response.json()

    def go_live(self, **body):
        return self.post("/sessions", body)

    def track(self, dj_set_id, artist, title):
        return self.post(f"/sessions/{dj_set_id}/tracks", {"artist": artist, "title": title})


@pytest.fixture
def dj_api(server, dj_token):
    api = DjApi(server.url, dj_token)
    yield api
    api.client.close()


def wait_until(predicate, timeout=10.0, message="condition"):
    """For state outside the page (the database); inside the page use Playwright's expect."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def stage(transactional_db):
    """The Main Floor of a published weekend, as an organizer set it up."""
    from datetime import date

    from accounts.models import User
    from events.models import Event
    from stages.models import Stage

    organizer = User.objects.create_user(email="org@example.com", password="organize-it-all", display_name="Org")
    event = Event.objects.create(
        organizer=organizer, name="Swing Into Spring", slug="swing-into-spring",
        starts_on=date(2026, 3, 13), ends_on=date(2026, 3, 15), timezone="Europe/Paris",
        status=Event.Status.PUBLISHED,
    )
    Stage.objects.create(event=event, name="Blues Room", position=1)
    return Stage.objects.create(event=event, name="Main Floor", position=0)
