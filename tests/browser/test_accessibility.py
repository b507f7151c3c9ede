"""Seen and heard: axe-core on every public, DJ and organizer page; the now-playing live
region that stays in the page; the heart's contrast in every state.

(Every journey also audits each page it opened, in its final state: see conftest.py.)
"""

import re

import pytest
from playwright.sync_api import expect

from tests.personas import make_event, make_organizer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# WCAG contrast of an element's colours against what is really behind it (the nearest
# opaque background, with any translucent backgrounds in between blended on top).
CONTRAST = """([selector, state]) => {
  const el = document.querySelector(selector);
  const rgba = text => { const v = text.match(/[\\d.]+/g).map(Number); return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1]; };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const behind = node => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), [255, 255, 255, 1]);
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const style = getComputedStyle(el);
  const own = behind(el), card = behind(el.parentElement);
  return {
    state,
    glyph: ratio(over(rgba(style.color), own), own),
    ring: ratio(over(rgba(style.borderTopColor), card), card),
    outline: style.outlineStyle === "none" ? null : ratio(over(rgba(style.outlineColor), card), card),
  };
}"""


@pytest.fixture
def published(transactional_db):
    """A published weekend (Main Floor, Blues Room) of an approved organizer."""
    from events.models import Event

    organizer = make_organizer("org@example.com")
    return make_event(organizer, status=Event.Status.PUBLISHED)


def sign_in(page, base_url, email, password, then):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page).not_to_have_url(re.compile("/accounts/login/"))
    page.goto(base_url + then)


def test_every_public_dj_and_organizer_page_passes_axe(server, published, dj_api, phone):
    stage = published.stages.get(name="Main Floor")
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")

    dancer = phone.open(f"{server.url}/", "dancer")
    # The timetable and the venue screen have sockets of their own (now/next only).
    for path in ["/", f"/e/{published.slug}", f"/e/{published.slug}/timetable", f"/screen/{stage.code}",
                 f"/s/{stage.code}", f"/live/{live['code']}", "/likes/", "/accounts/login/", "/accounts/signup/"]:
        dancer.goto(server.url + path)
        phone.audit(dancer)
    missing = phone.open(f"{server.url}/s/nope2345", "missing", status=404)
    phone.audit(missing)

    dj = phone.open(None, "dj")
    sign_in(dj, server.url, "dj@example.com", "dance-all-night", "/dj/")
    expect(dj.get_by_role("heading", name="DJ dashboard")).to_be_visible()
    phone.audit(dj)
    dj.goto(f"{server.url}/dj/sets/{live['code']}")
    phone.audit(dj)

    organizer = phone.open(None, "organizer")
    sign_in(organizer, server.url, "org@example.com", "organize-all-night", "/organize/")
    for path in ["/organize/", "/organize/new", f"/organize/{published.slug}/", f"/organize/{published.slug}/qr",
                 f"/organize/{published.slug}/live", f"/organize/{published.slug}/announce",
                 f"/organize/{published.slug}/timetable/", f"/organize/{published.slug}/timetable/preview",
                 "/calendars/"]:
        response = organizer.goto(server.url + path)
        assert response.status == 200, path
        phone.audit(organizer)
    # Each audit's violations are the test's problems: the phone fixture fails on any.


def test_the_now_playing_region_stays_and_only_its_contents_change(server, published, dj_api, phone):
    stage = published.stages.get(name="Main Floor")
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    region = page.get_by_role("region", name="Now playing")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_attribute("aria-atomic", "true")
    expect(region).to_contain_text("Ghost")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    page.evaluate("window.pikaRegion = document.getElementById('now-playing')")

    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    expect(region).to_contain_text("Leave the Door Open")
    assert page.evaluate("window.pikaRegion === document.getElementById('now-playing')"), "the region was replaced"
    assert page.evaluate("window.pikaRegion.isConnected")
    # What changes by itself (the "Started … ago" clock, the dancer's own heart) is not announced.
    expect(page.locator("#now-playing .track-meta")).to_have_attribute("aria-live", "off")
    expect(page.locator("#now-playing div:has(> form.like)")).to_have_attribute("aria-live", "off")
    # The count says it in words already: no label repeating it.
    expect(page.locator("#listeners")).to_have_text(re.compile(r"^\d+ listening$"))
    assert page.locator("#listeners").get_attribute("aria-label") is None

    dj_api.post(f"/sessions/{live['id']}/end")
    expect(region).to_contain_text("Waiting for the next DJ")
    assert page.evaluate("window.pikaRegion === document.getElementById('now-playing')")


def test_the_heart_keeps_its_contrast_in_every_state(server, published, dj_api, phone):
    stage = published.stages.get(name="Main Floor")
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    card_heart, row_heart = "#now-playing .heart", "#set-list .heart"
    expect(page.locator(card_heart)).to_have_attribute("aria-pressed", "false")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": card_heart})["nodeId"]

    def measure(state, selector=card_heart):
        return page.evaluate(CONTRAST, [selector, state])

    results = [measure("rest"), measure("rest, in the set list", row_heart)]
    cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": ["active"]})
    results.append(measure("pressed"))
    cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": ["focus", "focus-visible"]})
    focused = measure("focused")
    results.append(focused)
    cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": []})
    page.evaluate(f"document.querySelector('{card_heart}').disabled = true")
    results.append(measure("disabled"))
    page.evaluate(f"document.querySelector('{card_heart}').disabled = false")
    page.locator(card_heart).click()
    expect(page.locator(card_heart)).to_have_attribute("aria-pressed", "true")
    page.mouse.move(0, 0)
    results.append(measure("liked"))

    for result in results:
        assert result["glyph"] >= 4.5, result
    for result in results:
        if "set list" not in result["state"]:
            assert result["ring"] >= 3.0, result
    assert focused["outline"] is not None and focused["outline"] >= 3.0, focused
