"""Announcements on real phones: the banner appears at once on open pages; opting in never nags."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizerApplication

pytestmark = pytest.mark.browser

IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")


def sign_in_as_organizer(page, base_url, stage):
    organizer = stage.event.organizer
    organizer.set_password("organize-it-all")
    organizer.save()
    OrganizerApplication.objects.create(
        user=organizer, name="Org", community="Swing Into Spring", status=OrganizerApplication.Status.APPROVED
    )
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(organizer.email)
    page.get_by_label("Password").fill("organize-it-all")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base_url}/dj/")


def test_an_urgent_announcement_appears_on_open_pages_and_can_be_dismissed(server, stage, phone):
    blues = stage.event.stages.get(name="Blues Room")
    dancer = phone.open(f"{server.url}/s/{stage.code}", "main-floor")
    other_room = phone.open(f"{server.url}/s/{blues.code}", "blues-room")
    event_page = phone.open(f"{server.url}/e/{stage.event.slug}", "event-page")
    for page in (dancer, other_room):
        expect(page.locator("[data-conn]")).to_have_text("Live")
        page.evaluate("window.pikaSamePage = true")
    expect(event_page.locator("#announcements .announcements-none")).to_be_visible()

    organizer = phone.open(None, "organizer")
    sign_in_as_organizer(organizer, server.url, stage)
    organizer.goto(f"{server.url}/organize/{stage.event.slug}/announce")
    # Both stage pages and the event page are open: the preview says so before sending.
    expect(organizer.locator("#reach")).to_contain_text("3 open pages, 0 devices with notifications")

    organizer.get_by_label("Message").fill("Competitions start in 15 minutes! <b>Ballroom</b> & lobby")
    organizer.get_by_label("Urgent").check()
    organizer.get_by_role("button", name="Send announcement").click()
    expect(organizer.locator(".messages")).to_contain_text("Announcement sent to 3 open pages.")
    expect(organizer.locator(".sent-list .sent")).to_have_count(1)

    text = "Competitions start in 15 minutes! <b>Ballroom</b> & lobby"
    for page in (dancer, other_room, event_page):
        banner = page.locator("#announcements .announcement")
        expect(banner).to_have_count(1)
        expect(banner).to_have_class(re.compile(r"\bis-urgent\b"))
        expect(banner.locator(".announcement-text")).to_have_text(text)
        expect(banner).to_have_attribute("role", "alert")
        assert banner.locator("b").count() == 0
    for page in (dancer, other_room):
        assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"
    expect(event_page.locator("#announcements .announcements-none")).to_be_hidden()
    # Loud: the urgent banner stands out in red on the dark page.
    assert dancer.locator(".announcement.is-urgent").evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(248, 113, 113)"

    # Dismissed on this phone: gone, and still gone after a reload.
    dancer.get_by_role("button", name="Dismiss this announcement").click()
    expect(dancer.locator("#announcements .announcement")).to_be_hidden()
    dancer.reload()
    expect(dancer.locator("[data-conn]")).to_have_text("Live")
    expect(dancer.locator("#announcements .announcement")).to_be_hidden()
    # The event page keeps it listed, even once dismissed there.
    event_page.get_by_role("button", name="Dismiss this announcement").click()
    expect(event_page.locator("#announcements .announcement-text")).to_have_text(text)
    event_page.reload()
    expect(event_page.locator("#announcements .announcement-text")).to_have_text(text)
    assert dancer.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_opt_in_waits_for_a_tap_and_the_service_worker_covers_the_site(server, stage, phone):
    page = phone.open(None, "stage-page")
    # Count permission prompts: there must be none until the button is tapped.
    page.add_init_script("""
        window.pikaPrompts = 0;
        const ask = Notification.requestPermission.bind(Notification);
        Notification.requestPermission = () => { window.pikaPrompts += 1; return ask(); };
    """)
    page.goto(f"{server.url}/s/{stage.code}")

    button = page.locator("[data-push-toggle]")
    expect(button).to_be_enabled()
    expect(button).to_have_text("Notify me")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{server.url}/"
    assert page.evaluate("window.pikaPrompts") == 0
    assert page.evaluate("Notification.permission") == "default"
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert (manifest["start_url"], manifest["display"]) == (f"/s/{stage.code}", "standalone")

    button.click()  # headless Chromium answers the prompt with "no"
    expect(page.locator("[data-push-status]")).to_contain_text("Notifications")
    assert page.evaluate("window.pikaPrompts") == 1


def test_an_iphone_in_safari_is_told_to_add_the_page_to_the_home_screen(server, stage, phone):
    page = phone.open(None, "iphone")
    page.add_init_script(f"Object.defineProperty(navigator, 'userAgent', {{get: () => {IPHONE_SAFARI!r}}});")
    page.goto(f"{server.url}/s/{stage.code}")

    page.locator("[data-push-toggle]").click()

    expect(page.locator("[data-push-status]")).to_contain_text("Add to Home Screen")
    expect(page.locator("[data-push-status]")).to_contain_text("iOS 16.4")
