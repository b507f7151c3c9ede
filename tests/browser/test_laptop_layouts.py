"""On a laptop the DJ and the organizer see everything side by side, not one long phone column."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_dj_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def side_by_side(left, right):
    a, b = left.bounding_box(), right.bounding_box()
    overlap = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return a["x"] + a["width"] <= b["x"] and overlap > 0


def test_a_djs_laptop_shows_qr_and_now_playing_beside_the_set_list_and_tokens(server, dj, phone):
    page = phone.open(None, "dj-laptop", laptop=True)
    sign_in(page, server.url, "dj@example.com", "dance-all-night")
    page.get_by_role("button", name="Go Live", exact=True).click()
    for title in ("Ghost", "Valerie", "Juice"):
        page.get_by_label("Title").fill(title)
        page.get_by_label("Artist").fill("Someone")
        page.get_by_role("button", name="Post track").click()
        expect(page.locator("#now-playing .track-title")).to_have_text(title)

    assert side_by_side(page.locator(".qr img"), page.locator("#set-list"))
    # The right-hand column: the floor's signals first, the tokens further down.
    assert side_by_side(page.locator("#set-list"), page.locator(".crowd-panel"))
    floor, tokens = page.locator(".crowd-panel").bounding_box(), page.locator("#tokens").bounding_box()
    assert tokens["x"] == floor["x"] and tokens["y"] > floor["y"] + floor["height"]
    # Now playing sits under the QR, left of the set list, on the first screen.
    now, qr, tracks = (page.locator(s).bounding_box() for s in ("#now-playing", ".qr", "#set-list"))
    assert now["y"] >= qr["y"] + qr["height"] and now["x"] + now["width"] <= tracks["x"]
    assert now["y"] < 800
    # Everything within about two screens, with the follower and gigs too (a phone column was 2,700 px).
    assert page.evaluate("document.documentElement.scrollHeight") < 1600
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_organizers_laptop_shows_the_rooms_side_by_side(server, phone):
    from events.models import Event
    from tests.personas import make_event, make_organizer

    make_event(make_organizer("ana@example.com"), status=Event.Status.PUBLISHED, stages=("Main Floor", "Blues Room"))
    page = phone.open(None, "organizer-laptop", laptop=True)
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Password").fill("organize-all-night")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(f"{server.url}/accounts/login/")
    page.goto(f"{server.url}/organize/swing-fling/live")
    expect(page.locator(".organizer-row")).to_have_count(2)
    # Measured in one go: the socket's first state may swap the rows in between two reads.
    assert page.evaluate("""() => {
        const [a, b] = [...document.querySelectorAll('.organizer-row')].map(r => r.getBoundingClientRect());
        return a.right <= b.left && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0;
    }""")


def test_a_phone_keeps_one_column(server, dj, phone):
    page = phone.open(None, "dj-phone")
    sign_in(page, server.url, "dj@example.com", "dance-all-night")
    page.get_by_role("button", name="Go Live", exact=True).click()
    expect(page.locator("#set-list")).to_be_attached()
    qr, tokens = page.locator(".qr img").bounding_box(), page.locator("#tokens").bounding_box()
    assert tokens["y"] > qr["y"] + qr["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
