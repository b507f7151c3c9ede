"""The journeys' own checks catch what they promise to: a CSP violation (also one caused
while a screenshot is taken), an axe violation; and htmx's indicators need no inline style."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_csp_violation_is_a_problem_even_after_the_page_moved_on(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")

    page.screenshot(full_page=True)
    page.evaluate("1")
    assert phone.problems == [], "a screenshot must not upset the CSP"

    page.evaluate("document.body.setAttribute('style', 'outline: 1px solid red')")
    page.goto(f"{server.url}/e/{stage.event.slug}")  # the page that misbehaved is gone
    page.evaluate("1")
    assert any("CSP violation: style-src-attr refused inline" in problem for problem in phone.problems), phone.problems
    phone.problems.clear()


def test_an_axe_violation_is_a_problem(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    phone.audit(page)
    assert phone.problems == []

    page.evaluate("document.documentElement.removeAttribute('lang')")
    phone.audit(page)
    assert len(phone.problems) == 1 and "axe: " in phone.problems[0] and "html-has-lang (serious)" in phone.problems[0]
    phone.problems.clear()
    page.evaluate("document.documentElement.setAttribute('lang', 'en')")  # the final audit sees it mended


def test_htmx_indicators_work_from_the_stylesheet_without_an_inline_style(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")  # htmx is loaded and running
    page.locator("#now-playing .heart").click()
    expect(page.locator("#now-playing .heart")).to_have_attribute("aria-pressed", "true")

    # The page's one <style> is its own critical rules, under the nonce; htmx added none.
    assert page.evaluate("[...document.querySelectorAll('style')].map(s => s.parentElement.tagName)") == ["HEAD"]
    opacity = """cls => { const el = document.createElement('span'); el.className = cls;
        document.body.appendChild(el); const value = getComputedStyle(el).opacity; el.remove(); return value; }"""
    assert page.evaluate(opacity, "htmx-indicator") == "0"
    assert page.evaluate("() => { document.body.classList.add('htmx-request'); return true; }")
    assert page.evaluate(opacity, "htmx-indicator") == "1"
