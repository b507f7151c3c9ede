"""Announcements on open pages: at once on every stage and event page of the event, nowhere else."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from announcements import live
from announcements.models import Announcement
from stages.models import DJSet
from tests.sockets import connect, hears_nothing_about, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

ARRIVAL = '<div id="announcement-items" hx-swap-oob="afterbegin">'


@database_sync_to_async
def send(author, message, **scope):
    return Announcement.objects.send(author=author, message=message, priority=scope.pop("priority", "info"),
                                     push=False, **scope)


@database_sync_to_async
def go_live(dj, name, stage=None):
    return DJSet.objects.go_live(dj, name, stage)[0]


async def test_an_event_announcement_shows_at_once_on_every_stage_and_event_page_of_the_event(weekend, organizer):
    main, _ = await connect(f"/ws/stages/{weekend.main.code}/")
    blues, _ = await connect(f"/ws/stages/{weekend.blues.code}/")
    event_page, _ = await connect(f"/ws/events/{weekend.event.slug}/")
    paris, _ = await connect(f"/ws/stages/{weekend.ballroom.code}/")
    paris_event, _ = await connect(f"/ws/events/{weekend.other_event.slug}/")

    announcement = await send(organizer, "Competitions start in 15 minutes!", event=weekend.event, priority="urgent")

    for page in (main, blues, event_page):
        message = await receive_until(page, "announcement")
        # Stamped with the event group's version (pika/live_state.py), then the banner.
        marker, banner = message.split("-->", 1)
        assert marker.startswith(f"<!--v:event.{weekend.event.pk}=") and marker[len(f"<!--v:event.{weekend.event.pk}="):].isdigit()
        assert banner.startswith(ARRIVAL) and banner.endswith("</div>")
        assert f'<article id="announcement-{announcement.code}" class="announcement is-urgent"' in message
        assert 'role="alert"' in message
        assert "Competitions start in 15 minutes!" in message
        assert "Urgent</span> · Swing Into Spring · <time" in message
    assert await hears_nothing_about(paris, "announcement")
    assert await hears_nothing_about(paris_event, "announcement")
    for page in (main, blues, event_page, paris, paris_event):
        await page.disconnect()


async def test_a_message_is_shown_as_text_never_as_html(weekend, organizer):
    main, _ = await connect(f"/ws/stages/{weekend.main.code}/")

    await send(organizer, '<script>alert("x")</script> <img src=x onerror=alert(1)> & co', event=weekend.event)

    message = await receive_until(main, "announcement")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp; co" in message
    assert "<script>" not in message and "<img" not in message
    await main.disconnect()


async def test_a_djs_announcement_reaches_their_own_sets_pages_only(weekend, dj, other_dj):
    mine = await go_live(dj, "DJ Nova")
    theirs = await go_live(other_dj, "DJ Other")
    my_page, _ = await connect(f"/ws/sessions/{mine.code}/")
    my_dashboard, _ = await connect(f"/ws/sessions/{mine.code}/?dj=1")
    their_page, _ = await connect(f"/ws/sessions/{theirs.code}/")
    stage_page, _ = await connect(f"/ws/stages/{weekend.main.code}/")

    await send(dj, "Last song in 5 minutes, then the jam!", dj_set=mine)

    for page in (my_page, my_dashboard):
        message = await receive_until(page, "announcement")
        assert message.startswith(f"<!--v:session.{mine.pk}=") and message.split("-->", 1)[1].startswith(ARRIVAL)
        assert "Info</span> · DJ Nova · <time" in message and "Last song in 5 minutes, then the jam!" in message
    assert await hears_nothing_about(their_page, "announcement")
    assert await hears_nothing_about(stage_page, "announcement")
    for page in (my_page, my_dashboard, their_page, stage_page):
        await page.disconnect()


@database_sync_to_async
def history(weekend, organizer):
    """Five announcements: two from this morning, three in the last hour."""
    sent = []
    for n, hours_ago in enumerate([9, 8, 0.5, 0.3, 0.1]):
        announcement = Announcement.objects.send(author=organizer, event=weekend.event, message=f"Note {n}", push=False)
        Announcement.objects.filter(pk=announcement.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
        sent.append(announcement.code)
    return sent


async def test_a_stage_page_that_connects_gets_the_recent_banners_at_once(weekend, organizer):
    codes = await history(weekend, organizer)

    main, state = await connect(f"/ws/stages/{weekend.main.code}/")

    section = state[state.index('<section id="announcements"'):]
    assert section.startswith('<section id="announcements" class="announcements" aria-label="Announcements"')
    shown = [code for code in codes if f'id="announcement-{code}"' in section]
    assert shown == codes[2:]
    assert section.index(codes[4]) < section.index(codes[3]) < section.index(codes[2])  # newest first
    await main.disconnect()


async def test_an_event_page_that_connects_gets_the_whole_list(weekend, organizer):
    codes = await history(weekend, organizer)

    page, state = await connect(f"/ws/events/{weekend.event.slug}/")

    section = state[state.index('<section id="announcements"'):]
    assert section.startswith('<section id="announcements" class="announcements is-list"')
    assert [code for code in codes if f'id="announcement-{code}"' in section] == codes
    await page.disconnect()


async def test_a_set_page_that_connects_gets_its_banners(dj):
    dj_set = await go_live(dj, "DJ Nova")
    await send(dj, "Requests are open", dj_set=dj_set)

    page, state = await connect(f"/ws/sessions/{dj_set.code}/")

    assert '<section id="announcements"' in state and "Requests are open" in state
    await page.disconnect()


async def test_open_event_pages_count_in_the_reach(weekend):
    pages = [(await connect(f"/ws/events/{weekend.event.slug}/"))[0] for _ in range(2)]
    stage_page, _ = await connect(f"/ws/stages/{weekend.main.code}/")
    other, _ = await connect(f"/ws/stages/{weekend.ballroom.code}/")

    reach = await database_sync_to_async(live.reach)(event=weekend.event)

    assert reach == {"pages": 3, "devices": 0}
    for page in (*pages, stage_page, other):
        await page.disconnect()
    assert await database_sync_to_async(live.reach)(event=weekend.event) == {"pages": 0, "devices": 0}
