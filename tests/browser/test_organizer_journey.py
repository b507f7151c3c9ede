"""Organizer: apply, get approved in Django admin, create a weekend with two rooms,
preview it, publish it and print the QR sheet; a dancer then opens a room's page."""

import pytest
from playwright.sync_api import expect

from accounts.models import OrganizerApplication, User
from events.models import Event
from tests.browser.test_dj_journey import sign_in

pytestmark = pytest.mark.browser


def admin_sign_in(page, base_url, email, password):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/admin/")


def test_an_organizer_applies_is_approved_and_publishes_a_weekend_with_two_rooms(server, phone, transactional_db):
    User.objects.create_user(email="org@example.com", password="organize-it-all", display_name="Lina")
    User.objects.create_superuser(email="owner@example.com", password="own-the-platform")

    organizer = phone.open(None, "organizer")
    sign_in(organizer, server.url, "org@example.com", "organize-it-all")

    # Not approved yet: organizer pages send them to the application form.
    organizer.goto(f"{server.url}/organize/")
    expect(organizer).to_have_url(f"{server.url}/organize/apply")
    organizer.get_by_label("Your community or event").fill("Swing Into Spring, Lyon")
    organizer.get_by_label("Links").fill("https://example.com/swing-into-spring")
    organizer.get_by_label("Anything we should know?").fill("Third edition, 400 dancers, three rooms.")
    organizer.get_by_role("button", name="Send application").click()
    expect(organizer.locator(".application-status")).to_contain_text("waiting for review")

    # The platform owner approves it in Django admin, with a note.
    owner = phone.open(None, "admin")
    admin_sign_in(owner, server.url, "owner@example.com", "own-the-platform")
    expect(owner).to_have_title("Organizers, accounts and tokens | Pika! administration")
    owner.get_by_role("link", name="1 organizer application waiting for your decision").click()
    expect(owner).to_have_url(f"{server.url}/admin/accounts/organizerapplication/")
    application = OrganizerApplication.objects.get(user__email="org@example.com")
    owner.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    owner.locator("select[name=action]").select_option("approve")
    owner.get_by_role("button", name="Go").click()
    owner.get_by_label("Note to the applicant").fill("Welcome aboard!")
    # The note, the list and the buttons fit the phone.
    assert owner.evaluate("document.documentElement.scrollWidth") <= 390
    box = owner.get_by_label("Note to the applicant").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    owner.locator("input[type=submit][value=Approve]").click()
    expect(owner.locator(".messagelist")).to_contain_text("1 application(s) approved")

    organizer.reload()
    expect(organizer.locator(".application-status")).to_contain_text("approved")
    expect(organizer.locator(".application-status")).to_contain_text("Welcome aboard!")
    organizer.get_by_role("link", name="Go to your events").click()
    expect(organizer).to_have_url(f"{server.url}/organize/")

    # A weekend with two rooms: one row is there, the second comes from "Add a stage".
    organizer.get_by_role("link", name="New event").click()
    organizer.get_by_label("Event name").fill("Swing Into Spring")
    organizer.get_by_label("Short link").fill("swing-into-spring")
    organizer.get_by_label("First day").fill("2026-03-13")
    organizer.get_by_label("Last day").fill("2026-03-15")
    organizer.get_by_label("Time zone").fill("Europe/Paris")
    organizer.locator("#id_stages-0-name").fill("Main Floor")
    organizer.get_by_role("button", name="Add a stage").click()
    organizer.locator("#id_stages-1-name").fill("Blues Room")
    organizer.get_by_role("button", name="Create event").click()
    expect(organizer).to_have_url(f"{server.url}/organize/swing-into-spring/")
    expect(organizer.locator(".badge")).to_have_text("Draft")
    event = Event.objects.get(slug="swing-into-spring")
    assert list(event.stages.values_list("name", flat=True)) == ["Main Floor", "Blues Room"]
    main_floor = event.stages.get(name="Main Floor")

    # Preview: the exact public page, marked as a preview, and hidden from everyone else.
    organizer.get_by_role("link", name="Preview").click()
    expect(organizer).to_have_url(f"{server.url}/e/swing-into-spring")
    expect(organizer.get_by_role("note")).to_contain_text("Preview")
    expect(organizer.locator(f"#stage-card-{main_floor.code}")).to_contain_text("Main Floor")
    dancer = phone.open(f"{server.url}/s/{main_floor.code}", "dancer-before-publish", status=404)
    expect(dancer.locator("#now-playing")).to_have_count(0)

    organizer.go_back()
    organizer.get_by_role("button", name="Publish").click()
    expect(organizer.locator(".messages")).to_contain_text("Published")
    expect(organizer.locator(".badge")).to_have_text("Published")

    # The printable QR sheet: one page per stage, each with its QR and short link.
    organizer.get_by_role("link", name="Print QR codes").click()
    pages = organizer.locator(".qr-page")
    expect(pages).to_have_count(2)
    expect(pages.nth(0).locator(".qr-stage")).to_have_text("Main Floor")
    expect(pages.nth(1).locator(".qr-stage")).to_have_text("Blues Room")
    expect(pages.nth(0).locator(".qr-url")).to_have_text(f"127.0.0.1:{server.port}/s/{main_floor.code}")
    for i in range(2):
        assert pages.nth(i).locator("img.qr-big").evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    organizer.emulate_media(media="print")
    expect(organizer.get_by_role("button", name="Print all")).to_be_hidden()
    organizer.emulate_media(media="screen")

    # Published: a dancer's scan opens the room's page.
    dancer = phone.open(f"{server.url}/s/{main_floor.code}", "dancer")
    expect(dancer.locator("#now-playing .track-title")).to_have_text("Waiting for the next DJ")
    expect(dancer.locator(".crumbs")).to_contain_text("Swing Into Spring · Main Floor")
    expect(dancer.locator("[data-conn]")).to_have_text("Live")
