"""Times without an event read in the viewer's time zone (the pika_tz cookie), never the server's."""

import re
from datetime import datetime, timezone

import pytest

from stages.models import DJSet

pytestmark = pytest.mark.django_db
PLAYED = datetime(2026, 3, 14, 22, 5, tzinfo=timezone.utc)


@pytest.fixture
def quick_set(dj):
    dj_set = DJSet.objects.create(dj=dj, dj_name="DJ Nova", started_at=PLAYED, ended_at=PLAYED)
    dj_set.tracks.create(artist="Ella Henderson", title="Ghost", played_at=PLAYED)
    return dj_set


@pytest.mark.parametrize("cookie, shown", [
    ("America/Los_Angeles", "15:05"),  # the browser's zone, sent by pika.js
    ("Asia/Kolkata", "03:35"),
    ("", "22:05"),  # not known yet: UTC, and pika.js rewrites it in the browser
    ("Mars/Olympus_Mons", "22:05"),  # not a zone: ignored
    ("../../etc/passwd", "22:05"),
])
def test_a_quick_start_set_page_uses_the_viewers_zone(client, quick_set, cookie, shown):
    client.cookies["pika_tz"] = cookie
    html = client.get(quick_set.get_absolute_url()).content.decode()
    shown_times = re.findall(r'<time datetime="([^"]+)" data-local="time">([^<]+)</time>', html)
    assert [(datetime.fromisoformat(iso), text) for iso, text in shown_times] == [(PLAYED, shown)]


def test_the_djs_past_set_uses_the_viewers_zone(client, dj, quick_set):
    client.force_login(dj)
    client.cookies["pika_tz"] = "America/New_York"
    html = client.get(f"/dj/sets/{quick_set.code}").content.decode()
    assert "DJ Nova — Sat 14 Mar 2026, 18:05" in html
    assert "23:05" not in html and "22:05" not in html


def test_the_zone_does_not_leak_into_the_next_request(client, quick_set):
    from django.utils import timezone as dj_timezone

    client.cookies["pika_tz"] = "Asia/Tokyo"
    client.get(quick_set.get_absolute_url())
    assert dj_timezone.get_current_timezone_name() == "UTC"
