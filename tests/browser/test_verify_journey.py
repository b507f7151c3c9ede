"""A DJ verifies an ended set on their phone: progress, a suggestion confirmed from the
keyboard, a Spotify link pasted (a bad one first: a clear error, nothing lost), one
skipped, the progress following every answer."""

import pytest
from playwright.sync_api import expect

from crate import verification
from crate.models import Track, TrackLink
from stages.models import DJSet
from tests.browser.test_dj_journey import sign_in
from tests.personas import make_dj

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GHOST_ID = "6habFhsOp2NvshLv26DqMb"


@pytest.fixture
def ended_set(server, dj):
    """Made before the browser opens (its loop would refuse the live sends). Four plays: one the crowd matched already (3 DJs), one with a suggestion from 2 DJs,
    two nobody knows yet."""
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova")
    crowd = {"h-valerie": Track.objects.create(artist="Amy Winehouse", title="Valerie"),
             "h-ghost": Track.objects.create(artist="Ella Henderson", title="Ghost")}
    for n in range(3):
        other = make_dj(f"crowd{n}@example.com", f"Crowd {n}")
        other_set, _ = DJSet.objects.go_live(other)
        for file_hash, identity in crowd.items():
            if file_hash == "h-ghost" and n == 2:
                continue  # two DJs only: a suggestion, not an automatic match
            played, _ = other_set.add_track(artist="x", title="y", file_hash=file_hash)
            verification.confirm(other, played, identity)
    for artist, title, file_hash in (("Amy Winehouse", "Valerie (Mark Ronson Version)", "h-valerie"),
                                     ("Ella Henderson", "Ghost (WCS Edit)", "h-ghost"),
                                     ("Silk Sonic", "Leave the Door Open", "h-door"),
                                     ("Unknown", "Track 07", "h-07")):
        played, _ = dj_set.add_track(artist=artist, title=title, file_hash=file_hash)
        verification.auto_match(played)
    dj_set.end()
    return dj_set


def tab_to(page, locator, limit=60):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_a_dj_verifies_an_ended_set_on_a_phone(server, dj, ended_set, phone):
    dj_set = ended_set
    tracks = {track.title: track for track in dj_set.tracks.all()}
    page = phone.open(None, "verify")
    sign_in(page, server.url, "dj@example.com", "dance-all-night")
    page.get_by_role("link", name="Verify tracks").click()

    expect(page.get_by_role("heading", name="Verify your tracks")).to_be_visible()
    progress = page.locator(".verify-progress")
    expect(progress).to_have_text("1 of 4 matched")
    valerie, ghost, door, seventh = (page.locator(f"#track-{tracks[t].pk}") for t in (
        "Valerie (Mark Ronson Version)", "Ghost (WCS Edit)", "Leave the Door Open", "Track 07"))
    expect(valerie.locator(".verify-state")).to_contain_text("Already matched ✓: Amy Winehouse — Valerie")
    expect(ghost).to_contain_text("confirmed by 2 DJs")
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The suggestion, confirmed from the keyboard alone.
    suggestion = ghost.get_by_role("button", name="Confirm Ella Henderson — Ghost")
    tab_to(page, suggestion)
    page.keyboard.press("Enter")
    expect(progress).to_have_text("2 of 4 matched")
    expect(ghost.locator(".verify-state")).to_contain_text("Matched ✓: Ella Henderson — Ghost")
    # Back on the track just answered: the next Tab stays there, not at the top of the page.
    assert page.url.endswith(f"#track-{tracks['Ghost (WCS Edit)'].pk}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('li.verify-track')?.id") in (
        f"track-{tracks['Ghost (WCS Edit)'].pk}", f"track-{tracks['Leave the Door Open'].pk}")

    # A bad link: a clear error under the field, what was typed still there.
    field = door.get_by_label("Spotify link or URI")
    field.fill("https://open.spotify.com/album/4yP0hdKOZPNshxUOjY0cZj")
    page.pika_status = 400  # the form answers 400 Bad Request, and Chromium logs that
    field.press("Enter")
    door = page.locator(f"#track-{tracks['Leave the Door Open'].pk}")
    field = door.get_by_label("Spotify link or URI")
    expect(door.locator(".form-error")).to_have_text(
        "Paste a Spotify track link (open.spotify.com/track/…) or URI (spotify:track:…).")
    expect(field).to_have_value("https://open.spotify.com/album/4yP0hdKOZPNshxUOjY0cZj")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(progress).to_have_text("2 of 4 matched")
    phone.audit(page)  # the error state, too, passes axe
    page.evaluate("1")  # every report about the 400 has arrived
    assert not TrackLink.objects.get(played=tracks["Leave the Door Open"]).identity

    # The right link, pasted over it (a share link with its query string).
    field.fill(f"https://open.spotify.com/intl-fr/track/{GHOST_ID}?si=4f2e")
    field.press("Enter")
    expect(progress).to_have_text("3 of 4 matched")
    page.pika_status = 200
    door = page.locator(f"#track-{tracks['Leave the Door Open'].pk}")
    expect(door.locator(".verify-state")).to_contain_text(f"spotify:track:{GHOST_ID}")
    expect(door.locator(".form-error")).to_have_count(0)

    # One skipped: it stays unmatched and the progress says so.
    seventh.get_by_role("button", name="Skip").click()
    expect(progress).to_have_text("3 of 4 matched · 1 skipped")
    expect(seventh.locator(".verify-state")).to_have_text("Skipped")

    # What the page showed is what was stored.
    links = {link.played.title: link for link in TrackLink.objects.filter(played__dj_set=dj_set).select_related("played", "identity")}
    assert links["Ghost (WCS Edit)"].identity.title == "Ghost"
    assert links["Leave the Door Open"].identity.spotify_uri == f"spotify:track:{GHOST_ID}"
    assert links["Track 07"].skipped and links["Track 07"].identity is None
    assert links["Valerie (Mark Ronson Version)"].auto is True
