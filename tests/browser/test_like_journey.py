"""Dancer: like the song from the stage page on a phone, find it in My likes, keep it with an account."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, DjApi, wait_until

pytestmark = pytest.mark.browser

PASSWORD = "swing-all-night-42"


def likes_stored(**filters):
    from crate.models import Like

    return Like.objects.filter(**filters).count()


def test_a_dancer_likes_the_song_on_the_stage_page_and_finds_it_in_my_likes(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    expect(page.locator("[data-conn]")).to_have_text("Live")

    heart = page.locator("#now-playing button.heart")
    expect(heart).to_have_attribute("aria-pressed", "false")
    expect(heart).to_have_accessible_name("Like Ghost")
    box = heart.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44 and box["x"] + box["width"] <= 390
    heart.tap()
    expect(heart).to_have_attribute("aria-pressed", "true")
    wait_until(lambda: likes_stored(track__title="Ghost") == 1, message="the like stored")

    # The next track arrives over the socket in a fragment shared by every phone; this
    # phone still shows its own heart on Ghost, now in the set list.
    page.evaluate("window.pikaSamePage = true")
    dj_api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    expect(page.locator("#now-playing .track-title")).to_have_text("Leave the Door Open")
    expect(page.locator("#now-playing button.heart")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#set-list .track", has_text="Ghost").locator("button.heart")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.pikaSamePage") is True, "the page reloaded"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("link", name="My likes").tap()
    expect(page).to_have_url(f"{server.url}/likes/")
    expect(page.locator(".journal-event h2")).to_have_text("Swing Into Spring")
    expect(page.locator(".journal-set h3")).to_have_text("DJ Nova · Main Floor")
    expect(page.locator(".journal-track .t")).to_have_text(["Ghost"])
    expect(page.locator(".journal-track .search-links a")).to_have_text(["Spotify", "Apple Music", "YouTube"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Changed their mind: unlike right there.
    page.locator(".journal-track button.heart").tap()
    expect(page.locator(".journal-track button.heart")).to_have_attribute("aria-pressed", "false")
    wait_until(lambda: likes_stored() == 0, message="the like removed")


def test_likes_from_an_ended_set_move_to_a_new_account_and_show_on_another_phone(server, stage, dj_api, phone):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    dj_api.track(live["id"], "Zoé", "Café 🌅")
    page = phone.open(f"{server.url}/live/{live['code']}", "first-phone")
    expect(page.locator("[data-conn]")).to_have_text("Live")
    dj_api.post(f"/sessions/{live['id']}/end")
    expect(page.locator("#now-playing")).to_contain_text("This set has ended")

    # Remembering the song after the night is the point: the ended set's tracks take a heart.
    for title in ("Ghost", "Café 🌅"):
        page.locator("#set-list .track", has_text=title).locator("button.heart").tap()
        expect(page.locator("#set-list .track", has_text=title).locator("button.heart")).to_have_attribute("aria-pressed", "true")
    wait_until(lambda: likes_stored(user__isnull=True) == 2, message="two anonymous likes")

    page.goto(f"{server.url}/likes/")
    page.get_by_role("link", name="Create account").tap()
    page.fill("#id_email", "zoe@example.com")
    page.fill("#id_display_name", "Zoé 💃")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Sign up", exact=True).tap()
    expect(page).to_have_url(f"{server.url}/likes/")
    expect(page.locator(".messages")).to_contain_text("2 liked songs transferred to your account.")
    expect(page.locator(".journal-track .t")).to_have_text(["Café 🌅", "Ghost"])
    assert likes_stored(user__email="zoe@example.com") == 2 and likes_stored() == 2

    other = phone.open(f"{server.url}/accounts/login/?next=/likes/", "second-phone")
    other.fill("#id_login", "zoe@example.com")
    other.fill("#id_password", PASSWORD)
    other.get_by_role("button", name="Sign in", exact=True).tap()
    expect(other).to_have_url(f"{server.url}/likes/")
    expect(other.locator(".journal-track .t")).to_have_text(["Café 🌅", "Ghost"])
    other.goto(f"{server.url}/live/{live['code']}")
    expect(other.locator("#set-list button.heart[aria-pressed=true]")).to_have_count(2)


def test_a_refused_tap_shows_the_heart_as_it_really_is(server_process, stage, dj_api, phone, dj_token):
    server = server_process(PIKA_LIKE_RATE="1/m")
    api = DjApi(server.url, dj_token)
    live = api.go_live(dj_name="DJ Nova", stage=stage.code)
    api.track(live["id"], "Ella Henderson", "Ghost")
    api.track(live["id"], "Bruno Mars", "Leave the Door Open")
    page = phone.open(f"{server.url}/s/{stage.code}", "stage-page")
    page.locator("#now-playing button.heart").tap()
    expect(page.locator("#now-playing button.heart")).to_have_attribute("aria-pressed", "true")

    ghost = page.locator("#set-list .track", has_text="Ghost").locator("button.heart")
    ghost.tap()
    expect(ghost).to_have_class("heart like-failed")
    expect(ghost).to_have_attribute("aria-pressed", "false")
    assert likes_stored() == 1
    # The browser reports the refused request; that, and only that, is expected here.
    expected = [p for p in phone.problems if "429" in p or "htmx:responseError" in p]
    assert expected and len(expected) == len(phone.problems), phone.problems
    phone.problems.clear()
    api.client.close()


def test_without_javascript_the_heart_is_a_plain_form(server, stage, dj_api, browser):
    live = dj_api.go_live(dj_name="DJ Nova", stage=stage.code)
    dj_api.track(live["id"], "Ella Henderson", "Ghost")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{server.url}/s/{stage.code}")
    page.locator("#now-playing button.heart").click()
    expect(page).to_have_url(f"{server.url}/s/{stage.code}")
    expect(page.locator("#now-playing button.heart")).to_have_attribute("aria-pressed", "true")
    assert likes_stored(track__title="Ghost") == 1
    context.close()

