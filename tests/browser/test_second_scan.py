"""A second scan: the service worker serves the static files, only the page crosses the wifi."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CACHED = """url => caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
  .then(cache => cache.match(url))))).then(found => found.some(Boolean))"""


def test_a_second_scan_paints_from_the_service_workers_cache(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    first = phone.open(f"{server.url}/s/{stage.code}", "first-scan")
    stylesheet = first.locator('link[rel="stylesheet"]').get_attribute("href")
    htmx = first.locator('script[data-after-paint*="htmx-2.min"]').get_attribute("data-after-paint")
    first.wait_for_function("() => navigator.serviceWorker.controller !== null")
    for url in (stylesheet, htmx):
        first.wait_for_function(f"() => ({CACHED})({url!r})")

    responses = []
    second = phone.open_in(first.context, None, "second-scan")
    second.on("response", lambda response: responses.append(response))
    second.goto(f"{server.url}/s/{stage.code}")
    expect(second.locator("#now-playing .track-title")).to_have_text("Ghost")

    by_url = {response.url.removeprefix(server.url): response for response in responses}
    assert by_url[stylesheet].from_service_worker is True
    assert by_url[htmx].from_service_worker is True
    assert by_url[f"/s/{stage.code}"].from_service_worker is False, "the page itself is always fresh"
