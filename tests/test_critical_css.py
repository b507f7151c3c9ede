"""Critical CSS: a dancer page carries its first screen's rules inline, under the response's
CSP nonce, so its first paint waits for no stylesheet; the rest (pika.css) follows without
blocking it, and a browser without JavaScript still gets it."""

import re
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from pika.templatetags.pika import critical_rules
from stages.models import DJSet, PlayedTrack

STYLE = re.compile(r'<style nonce="([^"]+)">(.*?)</style>', re.S)
BLOCKING = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def after_paint(url):
    return (f'<link rel="stylesheet" href="{url}" media="print" data-after-paint-style>'
            f'<noscript><link rel="stylesheet" href="{url}"></noscript>')


def directive(response, name):
    policy = response.headers["Content-Security-Policy"]
    return next(part.split()[1:] for part in policy.split("; ") if part.split()[0] == name)


def source(name):
    return re.sub(r"/\*.*?\*/", "", Path(finders.find(f"css/{name}")).read_text(), flags=re.S)


def selectors(prelude):
    """A selector list split at its own commas, not those inside :is(…) or :not(…)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i].strip())
            start = i + 1
    return parts + [prelude[start:].strip()]


def rules(text):
    """{(enclosing at-rules, selector)} of a stylesheet: what a rule applies to, and where."""
    found, stack = set(), []
    for match in re.finditer(r"([^{};]*)\{|\}", text):
        if match.group(0) == "}":
            stack.pop()
            continue
        prelude = " ".join(match.group(1).split())
        if not prelude.startswith("@"):
            at_rules = tuple(p for p in stack if p.startswith("@"))
            found |= {(at_rules, selector) for selector in selectors(prelude)}
        stack.append(prelude)
    assert stack == [], "unbalanced braces"
    return found


@pytest.fixture
def dancer_urls(event, dj):
    stage = event.stages.get(name="Main Floor")
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    return [stage.get_absolute_url(), event.get_absolute_url(), dj_set.get_absolute_url()]


@pytest.mark.django_db
def test_dancer_pages_inline_the_critical_rules_under_the_csp_nonce(client, dancer_urls):
    for url in dancer_urls:
        response = client.get(url)
        html = response.content.decode()

        [(nonce, inline)] = STYLE.findall(html)
        assert inline == critical_rules(), url
        assert directive(response, "style-src") == ["'self'", f"'nonce-{nonce}'"], url
        assert f'<script src="{static("js/boot.js")}" defer nonce="{nonce}">' in html, url
        # Nothing but the page blocks the first paint: the full stylesheet follows it.
        assert BLOCKING.findall(html) == [static("css/pika.css")], "only inside <noscript>"
        assert after_paint(static("css/pika.css")) in html, url


@pytest.mark.django_db
def test_other_pages_inline_the_critical_rules_and_link_the_rest_as_usual(client, dj):
    for url in ["/", "/likes/", "/accounts/login/"]:
        response = client.get(url)
        html = response.content.decode()
        [(nonce, inline)] = STYLE.findall(html)
        assert (inline, directive(response, "style-src")) == (critical_rules(), ["'self'", f"'nonce-{nonce}'"]), url
        assert BLOCKING.findall(html) == [static("css/pika.css")], url
        assert "data-after-paint-style" not in html, url


@pytest.mark.django_db
def test_a_page_rendered_without_a_request_links_the_critical_rules():
    # No request, no nonce: an inline <style> would be refused, the linked file is not.
    html = render_to_string("429.html")

    assert "<style" not in html
    assert BLOCKING.findall(html) == [static("css/critical.css"), static("css/pika.css")]


def test_the_inline_rules_are_critical_css_without_its_comments():
    inline = critical_rules()

    assert "/*" not in inline and "\n " not in inline
    assert " ".join(inline.split()) == " ".join(source("critical.css").split())
    assert len(inline) < 12_000  # it is in every page: keep it to the first screen


def test_one_source_no_rule_in_both_stylesheets():
    critical, full = rules(source("critical.css")), rules(source("pika.css"))

    assert ((), ".now-playing") in critical and ((), ":root") in critical
    assert ((), "input") in full and ((), ".heart:focus-visible") in full
    assert critical & full == set()


def test_a_missing_critical_stylesheet_is_a_clear_error(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from pika.templatetags import pika

    settings.STATICFILES_DIRS = [tmp_path]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with pytest.raises(ImproperlyConfigured, match="css/critical.css is missing"):
        pika._read_critical_rules()


@pytest.mark.slow
def test_a_real_server_sends_the_stage_page_compressed_in_one_round_trip(server_process, event, dj):
    stage = event.stages.get(name="Main Floor")
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", stage)[0]
    start = timezone.now() - timedelta(hours=2)
    PlayedTrack.objects.bulk_create([
        PlayedTrack(dj_set=dj_set, artist=f"Artist Number {i} feat. Somebody",
                    title=f"A Typical West Coast Swing Title {i}", played_at=start + timedelta(minutes=4 * i))
        for i in range(30)
    ])
    server = server_process()

    response = httpx.get(server.url + stage.get_absolute_url(), headers={"Accept-Encoding": "gzip, br"})

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    [(nonce, inline)] = STYLE.findall(response.text)
    assert inline == critical_rules()
    assert directive(response, "style-src") == ["'self'", f"'nonce-{nonce}'"]
    assert "A Typical West Coast Swing Title 29" in response.text
    # A set 30 tracks in, with its critical rules, fits the first round trip (14 KB).
    assert response.num_bytes_downloaded < 10_000
