"""A dancer page paints from its inline critical rules; the full stylesheet arrives after the
first paint, applies, and moves nothing on the first screen; without JavaScript it is linked
plainly."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FULL_SHEET = "**/static/css/pika.*.css"
# Where everything on the first screen sits, and how the title looks.
LAYOUT = """() => [...document.querySelectorAll("header *, main *")]
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.top < innerHeight && box.width > 0)
  .map(([el, box]) => `${el.tagName}.${el.className} ${box.x},${box.y} ${box.width}x${box.height}`)"""
# A <label> is styled by the full stylesheet alone (label { display: block }).
PROBE = """() => { let probe = document.getElementById("probe");
  if (!probe) { probe = document.createElement("label"); probe.id = "probe"; probe.textContent = "probe";
    document.body.append(probe); }
  return getComputedStyle(probe).display; }"""


def test_the_first_screen_paints_before_the_full_stylesheet_and_does_not_move(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    for i in range(12):
        dj_api.track(live["id"], f"Artist {i}", f"Title {i}")
    page = phone.open(None, "stage")
    held = []
    page.route(FULL_SHEET, lambda route: held.append(route))  # answered when the test says

    page.goto(f"{server.url}/s/{stage.code}", wait_until="domcontentloaded")
    title = page.locator("#now-playing .track-title")
    expect(title).to_have_text("Title 11")
    page.wait_for_function("() => performance.getEntriesByName('first-contentful-paint').length > 0")
    assert len(held) == 1, "the full stylesheet is still on its way"
    # Painted with the inline rules alone: the dark theme and the now-playing card.
    assert title.evaluate("el => getComputedStyle(el).fontSize") == "30.4px"  # 1.9rem
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 13, 20)"
    assert page.evaluate(PROBE) == "inline"
    before = page.evaluate(LAYOUT)

    held[0].continue_()
    page.wait_for_function("""() => { const link = document.querySelector("link[data-after-paint-style]");
                                      return link.media === "all" && link.sheet !== null; }""")

    assert page.evaluate(PROBE) == "block"
    assert page.evaluate(LAYOUT) == before
    assert len(before) > 40
    # The scripts come after the stylesheet (after the load event) and the page goes live.
    page.wait_for_function("() => window.htmx !== undefined")
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    expect(title).to_have_text("Ghost")
    page.evaluate("() => document.getElementById('probe').remove()")


def test_without_javascript_the_full_stylesheet_is_linked_plainly(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    context = phone.browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                        java_script_enabled=False)
    for path in (f"/s/{stage.code}", f"/e/{stage.event.slug}", f"/live/{live['code']}"):
        page = phone.open_in(context, f"{server.url}{path}", path)
        expect(page.locator("body")).to_be_visible()
        # The <noscript> link applies: the full stylesheet styles a label (no script ran to
        # switch the media="print" link on).
        assert page.locator("link[data-after-paint-style]").get_attribute("media") == "print"
        assert page.evaluate(PROBE) == "block", path
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 13, 20)"
        page.evaluate("() => document.getElementById('probe').remove()")
    # axe needs timers, which a page without JavaScript never runs: the same pages with
    # JavaScript are audited by the dancer journeys.
    context.close()
