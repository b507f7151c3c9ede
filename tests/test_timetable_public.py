"""The public timetable: the latest release only, now and next, changed and cancelled
slots, the change log, ETags, anonymous stars, the venue screen."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Release, Slot, Star
from tests.personas import dancer_phone
from tests.timetable_helpers import add_slot

pytestmark = [pytest.mark.django_db, pytest.mark.event(around_today=True, timezone="UTC")]


@pytest.fixture
def tonight(event):
    """On the Main Floor one slot on now and one next; one in the Blues Room later."""
    main, blues = event.stages.all()
    moment = timezone.now().replace(second=0, microsecond=0)
    slots = {
        "now": add_slot(event, main, moment - timedelta(minutes=30), hours=1, dj_name="DJ Now", title="Social"),
        "next": add_slot(event, main, moment + timedelta(minutes=30), hours=1, dj_name="DJ Next"),
        "blues": add_slot(event, blues, moment + timedelta(hours=2), hours=1, dj_name="DJ Blues"),
    }
    Release.objects.publish(event, comment="Opening night")
    return slots


def test_the_timetable_shows_now_and_next_and_only_the_latest_release(event, tonight):
    Slot.objects.filter(pk=tonight["blues"].pk).update(dj_name="Draft Only DJ")  # not published
    html = Client().get(f"/e/{event.slug}/timetable").content.decode()
    now_next = html[html.index('id="now-next"'):html.index("</section>", html.index('id="now-next"'))]
    assert "<span class=\"badge now-badge\">Now</span> Social · DJ Now" in now_next
    assert "<span class=\"badge\">Next</span>" in now_next and "DJ Next" in now_next
    assert "DJ Blues" in html and "Draft Only DJ" not in html
    assert f'id="slot-{tonight["now"].uid}" class="slot is-now"' in html
    assert "As of version 1" in html and "Opening night" in html


def test_changed_and_cancelled_slots_are_marked_and_the_changes_listed(event, tonight):
    Slot.objects.filter(pk=tonight["next"].pk).update(dj_name="DJ Stand-in")
    Slot.objects.filter(pk=tonight["blues"].pk).update(removed_at=timezone.now())
    Release.objects.publish(event, comment="Blues Room closes early")
    html = Client().get(f"/e/{event.slug}/timetable").content.decode()
    assert f'id="slot-{tonight["next"].uid}" class="slot is-changed"' in html
    assert "Changed in v2" in html
    assert f'id="slot-{tonight["blues"].uid}" class="slot is-cancelled"' in html
    assert "Cancelled</span>" in html
    assert "<strong>Version 2</strong>" in html and "1 DJ changed 1 cancelled" in html
    assert "Blues Room closes early" in html and "<strong>Version 1</strong>" in html


def test_the_etag_follows_the_release_and_a_repeat_visit_gets_304(event, tonight):
    phone = dancer_phone()
    first = phone.get(f"/e/{event.slug}/timetable")
    assert first["ETag"].startswith('"tt-1-')
    assert phone.get(f"/e/{event.slug}/timetable", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    Slot.objects.filter(pk=tonight["blues"].pk).update(title="Blues hour")
    Release.objects.publish(event)
    fresh = phone.get(f"/e/{event.slug}/timetable", HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"].startswith('"tt-2-')
    # Starring changes the page for this dancer: a new ETag.
    phone.post(f"/e/{event.slug}/timetable/{tonight['blues'].uid}/star", {"starred": "1"})
    assert phone.get(f"/e/{event.slug}/timetable")["ETag"] != fresh["ETag"]


def test_an_anonymous_dancer_stars_and_unstars(event, tonight):
    phone = dancer_phone()
    uid = tonight["blues"].uid
    response = phone.post(f"/e/{event.slug}/timetable/{uid}/star", {"starred": "1"}, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('aria-pressed="true"') == 1
    assert 'aria-label="Unstar DJ Blues"' in response.content.decode()
    star = Star.objects.get()
    assert (star.slot, star.user, star.client_id) == (tonight["blues"], None, phone.cookies["pika_client"].value)
    phone.post(f"/e/{event.slug}/timetable/{uid}/star", {"starred": "1"})  # twice: still one star
    assert Star.objects.count() == 1
    assert 'aria-label="Unstar DJ Blues"' in phone.get(f"/e/{event.slug}/timetable").content.decode()
    assert 'aria-label="Star DJ Blues"' in Client().get(f"/e/{event.slug}/timetable").content.decode()
    response = phone.post(f"/e/{event.slug}/timetable/{uid}/star", {"starred": "0"})
    assert response.status_code == 302 and response["Location"] == f"/e/{event.slug}/timetable#slot-{uid}"
    assert Star.objects.count() == 0


def test_bad_star_requests(event, tonight):
    phone = dancer_phone()
    response = phone.post(f"/e/{event.slug}/timetable/{tonight['blues'].uid}/star", {"starred": "yes"})
    assert (response.status_code, response.content) == (
        400, b"Send starred=1 to star the slot or starred=0 to unstar it.",
    )
    assert phone.post(f"/e/{event.slug}/timetable/nosuchslot/star", {"starred": "1"}).status_code == 404
    # A slot only in the draft is not public yet.
    draft = add_slot(event, event.stages.first(), timezone.now() + timedelta(hours=5))
    assert phone.post(f"/e/{event.slug}/timetable/{draft.uid}/star", {"starred": "1"}).status_code == 404
    assert Star.objects.count() == 0


def test_the_venue_screen_shows_now_and_up_next_with_a_countdown(event, tonight):
    main = event.stages.first()
    html = Client().get(f"/screen/{main.code}").content.decode()
    panel = html[html.index(f'id="screen-{main.code}"'):]
    assert '<p class="screen-title">Social</p>' in panel and '<p class="screen-dj">DJ Now</p>' in panel
    assert '<p class="screen-title">DJ Next</p>' in panel
    assert f'data-countdown="{tonight["next"].starts_at.isoformat()}"' in panel
    assert f'ws-connect="/ws/screens/{main.code}/"' in html
    assert Client().get("/screen/nosuchstage").status_code == 404


def test_the_stage_filter_is_a_per_stage_view(event, tonight):
    blues = event.stages.last()
    html = Client().get(f"/e/{event.slug}/timetable?stage={blues.code}").content.decode()
    assert "DJ Blues" in html[html.index('aria-label="Stages"'):]
    listing = html[html.index('class="night"'):]
    assert "DJ Now" not in listing and "DJ Next" not in listing
    assert f'href="/screen/{blues.code}"' in html


def test_the_event_page_links_its_timetable(event, tonight):
    html = Client().get(f"/e/{event.slug}").content.decode()
    assert f'href="/e/{event.slug}/timetable"' in html


def test_stars_and_calendar_addresses_are_rate_limited_per_browser(event, tonight, settings):
    settings.PIKA_LIKE_RATE = "2/m"
    phone = dancer_phone()
    path = f"/e/{event.slug}/timetable/{tonight['blues'].uid}/star"
    assert [phone.post(path, {"starred": value}).status_code for value in "101"] == [302, 302, 429]
    assert [phone.post("/calendars/", {"kind": "stars"}).status_code for _ in range(3)] == [302, 302, 429]
    assert Star.objects.count() == 0


def test_a_past_weekend_says_its_timetable_is_over(event, tonight):
    Event = type(event)
    Event.objects.filter(pk=event.pk).update(starts_on=event.starts_on - timedelta(days=30), ends_on=event.ends_on - timedelta(days=30))
    Slot.objects.filter(pk__in=[slot.pk for slot in tonight.values()]).update(
        starts_at=timezone.now() - timedelta(days=30), ends_at=timezone.now() - timedelta(days=30, hours=-1),
    )
    Release.objects.publish(event)
    html = Client().get(f"/e/{event.slug}/timetable").content.decode()
    assert "The timetable is over. Thanks for dancing!" in html and "Nothing on now" not in html


def test_the_event_page_tells_of_a_changed_timetable(event, tonight):
    assert "Timetable changed" not in Client().get(f"/e/{event.slug}").content.decode()
    Slot.objects.filter(pk=tonight["blues"].pk).update(removed_at=timezone.now())
    Release.objects.publish(event, comment="Blues Room closes early")
    html = Client().get(f"/e/{event.slug}").content.decode()
    assert f'Timetable changed: <a href="/e/{event.slug}/timetable">version 2</a> — “Blues Room closes early”.' in html


def test_a_stale_now_next_can_be_fetched_again_as_a_fragment(event, tonight):
    """What static/js/timetable.js asks for when no push came after a boundary."""
    main = event.stages.first()
    block = Client().get(f"/e/{event.slug}/timetable", HTTP_HX_REQUEST="true").content.decode()
    assert block.startswith('\n<section id="now-next"') and "<html" not in block
    # The soonest change: DJ Now's end (DJ Next starts then too).
    assert f'data-boundary="{tonight["now"].ends_at.isoformat()}"' in block
    screen = Client().get(f"/screen/{main.code}", HTTP_HX_REQUEST="true").content.decode()
    assert screen.lstrip().startswith(f'<section id="screen-{main.code}"') and "<html" not in screen
    assert f'data-refresh="/screen/{main.code}"' in screen
