"""The home page: what a visitor without a QR code can reach."""

from datetime import timedelta

from django.utils import timezone

from events.models import Event
from tests.personas import make_organizer


def make(organizer, name, starts_in, days=2, status=Event.Status.PUBLISHED):
    start = timezone.localdate() + timedelta(days=starts_in)
    return Event.objects.create(organizer=organizer, name=name, slug=Event.unique_slug(name),
                                starts_on=start, ends_on=start + timedelta(days=days), status=status)


def test_published_weekends_not_over_yet_are_listed_soonest_first(client, db, django_assert_num_queries):
    organizer = make_organizer("org@example.com", name="Org")
    make(organizer, "Next Month Swing", 30)
    make(organizer, "On Now 🎶 Swing", -1)
    make(organizer, "Long Gone Swing", -30)
    make(organizer, "Secret Draft Swing", 0, status=Event.Status.DRAFT)
    # The weekends, and who is live now for the banner (tests/test_lobby.py).
    with django_assert_num_queries(2):
        html = client.get("/").content.decode()
    assert html.index("On Now 🎶 Swing") < html.index("Next Month Swing")
    assert "Long Gone Swing" not in html and "Secret Draft Swing" not in html
    assert 'href="/e/on-now-swing"' in html


def test_without_events_the_page_still_invites_djs(client, db):
    html = client.get("/").content.decode()
    assert "This weekend and next" not in html
    assert "Open the DJ dashboard" in html
