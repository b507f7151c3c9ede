"""Timetable journeys in Chromium: an organizer adds and edits slots inline, previews the
change (diff, warnings, recipients) and publishes; a dancer on a phone stars a slot."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from events.models import Release, Slot, Star
from tests.personas import make_event, make_organizer
from tests.timetable_helpers import add_slot, at

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FRIDAY = date(2026, 5, 1)


def sign_in(page, base_url, email, password, lands_on):
    page.goto(f"{base_url}/accounts/login/?next={lands_on}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{base_url}{lands_on}")


@pytest.fixture
def timetable_event(transactional_db):
    organizer = make_organizer("org@example.com", "Org")
    return make_event(organizer, status="published", starts_on=FRIDAY, ends_on=FRIDAY + timedelta(days=2))


@pytest.fixture
def late_slot(timetable_event):
    """Version 1: one starred slot in the Blues Room (published before the browser opens:
    Playwright's loop in this thread leaves no room for the release's broadcast)."""
    slot = add_slot(timetable_event, timetable_event.stages.last(), at(timetable_event, FRIDAY, "23:00"), dj_name="DJ Late", title="Late night blues")
    Release.objects.publish(timetable_event)
    Star.objects.create(slot=slot, client_id="a-dancer-1234567")
    return slot


@pytest.fixture
def warmup(timetable_event):
    slot = add_slot(timetable_event, timetable_event.stages.first(), at(timetable_event, FRIDAY, "21:00"), dj_name="DJ Opening", title="Warm-up")
    Release.objects.publish(timetable_event)
    return slot


def test_an_organizer_edits_inline_previews_and_publishes(late_slot, server, phone, timetable_event):
    starred = late_slot
    editor_url = f"/organize/{timetable_event.slug}/timetable/"

    page = phone.open(None, "organizer")
    sign_in(page, server.url, "org@example.com", "organize-all-night", editor_url)

    # Add a slot: the table updates in place (htmx), no page load.
    form = page.locator("form.slot-form").first
    form.get_by_label("Stage").select_option(label="Main Floor")
    form.get_by_label("Starts").fill("2026-05-01T21:00")
    form.get_by_label("Ends").fill("2026-05-01T22:30")
    form.get_by_label("DJ").fill("DJ Opening")
    form.get_by_label("Title (optional)").fill("Warm-up")
    form.get_by_role("button", name="Add slot").click()
    expect(page.locator("table.timetable-table")).to_contain_text("DJ Opening")
    expect(page.locator("table.timetable-table caption")).to_contain_text("2 slots")

    # A bad slot keeps what was typed and says why.
    form = page.locator("form.slot-form").first
    form.get_by_label("Starts").fill("2026-05-01T23:00")
    form.get_by_label("Ends").fill("2026-05-01T22:00")
    form.get_by_label("DJ").fill("DJ Backwards")
    form.get_by_role("button", name="Add slot").click()
    expect(page.locator(".errorlist").first).to_contain_text("The slot ends before it starts.")
    expect(page.locator("form.slot-form").first.get_by_label("DJ")).to_have_value("DJ Backwards")

    # Move the late slot half an hour, inline.
    row = page.locator(f"#slot-{starred.uid}")
    row.get_by_role("link", name="Edit").click()
    editing = page.locator(f"#slot-{starred.uid} form")
    editing.get_by_label("Starts").fill("2026-05-01T23:30")
    editing.get_by_label("Ends").fill("2026-05-02T01:00")
    editing.get_by_role("button", name="Save").click()
    expect(page.locator(f"#slot-{starred.uid}")).to_contain_text("Fri 23:30–01:00")

    # Preview: the diff and who will be told; then publish.
    page.get_by_role("link", name="Preview and publish").click()
    expect(page.locator(".diff")).to_contain_text("New (1)")
    expect(page.locator(".diff")).to_contain_text("Late night blues: Fri 23:00–00:30 Blues Room → Fri 23:30–01:00 Blues Room")
    expect(page.locator("#recipients")).to_have_text("Notifies 0 DJs and 1 dancer who starred a changed slot.")
    page.get_by_label("Note for dancers (optional)").fill("Blues starts later")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".messages")).to_contain_text("Published version 2.")
    assert list(Release.objects.values_list("number", "comment")) == [(2, "Blues starts later"), (1, "")]

    # Nothing new: the preview says so, with no publish button.
    page.get_by_role("link", name="Preview and publish").click()
    expect(page.locator("main")).to_contain_text("Nothing to publish")
    expect(page.get_by_role("button", name="Publish version 3")).to_have_count(0)


def test_a_dancer_stars_a_slot_on_a_phone(warmup, server, phone, timetable_event):
    slot = warmup

    page = phone.open(f"{server.url}/e/{timetable_event.slug}/timetable", "dancer")
    expect(page.locator("#timetable-version")).to_contain_text("As of version 1")
    star = page.get_by_role("button", name="Star Warm-up")
    box = star.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # a thumb-sized target
    star.tap()
    expect(page.get_by_role("button", name="Unstar Warm-up")).to_have_attribute("aria-pressed", "true")
    assert Star.objects.filter(slot=slot, user__isnull=True).count() == 1

    page.reload()
    expect(page.get_by_role("button", name="Unstar Warm-up")).to_be_visible()
    page.get_by_role("button", name="Unstar Warm-up").tap()
    expect(page.get_by_role("button", name="Star Warm-up")).to_have_attribute("aria-pressed", "false")
    assert Star.objects.count() == 0
    assert Slot.objects.count() == 1

    # The service worker keeps the last copy: with the network gone the timetable still opens.
    page.evaluate("navigator.serviceWorker.ready.then(function () { return true; })")
    page.reload()
    expect(page.locator("#timetable-version")).to_contain_text("As of version 1")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    with phone.server_down():
        page.context.set_offline(True)
        assert page.evaluate("navigator.onLine") is False
        page.reload()
        expect(page.locator("#timetable-version")).to_contain_text("As of version 1")
        expect(page.get_by_role("button", name="Star Warm-up")).to_be_visible()
        page.context.set_offline(False)


@pytest.fixture
def turning_over(timetable_event):
    """A stage whose slot on now ends a few seconds from now, the next one starting then."""
    from django.utils import timezone

    from events.models import Event

    today = timezone.localdate()
    Event.objects.filter(pk=timetable_event.pk).update(
        starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), timezone="UTC")
    timetable_event.refresh_from_db()
    main = timetable_event.stages.first()
    boundary = timezone.now().replace(microsecond=0) + timedelta(seconds=8)
    add_slot(timetable_event, main, boundary - timedelta(hours=1), hours=1, dj_name="DJ Before")
    add_slot(timetable_event, main, boundary, hours=1, dj_name="DJ After")
    Release.objects.publish(timetable_event)
    return main, boundary


def test_a_venue_screen_turns_over_even_without_a_push(server, turning_over, phone):
    """The test server has no task worker: no push comes at the boundary. The screen's
    script fetches its block once the boundary is well past (the page's clock is run ahead)."""
    import time

    stage, boundary = turning_over
    page = phone.open(None, "screen")
    page.clock.install()
    page.goto(f"{server.url}/screen/{stage.code}")
    expect(page.locator(".screen-now .screen-title")).to_have_text("DJ Before")
    # The boundary passes on the server's (real) clock.
    page.wait_for_timeout(max(0, boundary.timestamp() - time.time() + 1) * 1000)
    page.clock.fast_forward(45_000)  # past the script's grace on the page's clock
    expect(page.locator(".screen-now .screen-title")).to_have_text("DJ After")
