"""Static files: content-hashed names, gzip and Brotli built ahead of time, cached forever."""

import re
from pathlib import Path

import httpx
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from pika import staticfiles

FOREVER = "max-age=315360000, public, immutable"


def linked(html, pattern):
    return re.search(pattern, html).group(1)


@pytest.mark.slow
def test_a_real_server_sends_static_files_compressed_and_cached_forever(server_process):
    server = server_process()
    html = httpx.get(server.url + "/").text
    css_url = linked(html, r'<link rel="stylesheet" href="(/static/css/pika\.[0-9a-f]{12}\.css)">')
    htmx_url = linked(html, r'data-after-paint="(/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js)"')
    css_source = Path(finders.find("css/pika.css")).read_bytes()

    with httpx.Client(base_url=server.url) as client:
        brotli = client.get(css_url, headers={"Accept-Encoding": "br"})
        gzip = client.get(css_url, headers={"Accept-Encoding": "gzip"})
        plain = client.get(css_url, headers={"Accept-Encoding": "identity"})
        htmx = client.get(htmx_url, headers={"Accept-Encoding": "gzip, deflate, br"})
        unhashed = client.get("/static/css/pika.css")

    for response, encoding in [(brotli, "br"), (gzip, "gzip"), (plain, None)]:
        assert response.status_code == 200
        assert response.headers.get("content-encoding") == encoding
        assert response.headers["cache-control"] == FOREVER
        assert response.headers["content-type"] == 'text/css; charset="utf-8"'
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.content == css_source
    # Compressed ahead of time: a fraction of the file crosses the venue's wifi.
    assert brotli.num_bytes_downloaded < gzip.num_bytes_downloaded < len(css_source) / 2
    assert (htmx.headers["content-encoding"], htmx.headers["cache-control"]) == ("br", FOREVER)
    assert htmx.num_bytes_downloaded < 17_000
    # Only hashed names exist, so a cached page never mixes an old page with a new file.
    assert unhashed.status_code == 404


def test_pages_link_the_hashed_names(client, db):
    html = client.get("/").content.decode()

    assert static("css/pika.css") != "/static/css/pika.css"
    assert f'<link rel="stylesheet" href="{static("css/pika.css")}">' in html
    assert re.fullmatch(r"/static/css/pika\.[0-9a-f]{12}\.css", static("css/pika.css"))


@pytest.fixture
def sources(settings, tmp_path):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: red; }\n" * 50)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "collected"
    return source


def test_collect_if_stale_builds_once_and_again_after_a_source_changes(sources, settings):
    import os

    assert staticfiles.collect_if_stale() is True
    first = static("css/site.css")
    collected = settings.STATIC_ROOT / first.removeprefix("/static/")
    assert collected.exists()
    assert Path(f"{collected}.br").exists() and Path(f"{collected}.gz").exists()

    assert staticfiles.collect_if_stale() is False

    changed = sources / "css" / "site.css"
    changed.write_text("body { color: blue; }\n" * 50)
    later = (settings.STATIC_ROOT / "staticfiles.json").stat().st_mtime + 5
    os.utime(changed, (later, later))
    assert staticfiles.collect_if_stale() is True
    assert static("css/site.css") != first


def test_our_js_modules_import_each_other_by_their_hashed_names(settings):
    follow = settings.STATIC_ROOT / static("js/follow.js").removeprefix("/static/")
    helper = Path(static("js/follow-vdj.js")).name
    assert re.fullmatch(r"follow-vdj\.[0-9a-f]{12}\.js", helper)
    assert f'from "./{helper}";' in follow.read_text()
