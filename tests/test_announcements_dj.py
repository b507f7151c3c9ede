"""A DJ announces to their own Quick Start set's listeners, from the DJ dashboard."""

import pytest
from django.templatetags.static import static

from announcements.models import Announcement, PushMessage
from pika import submit_once
from stages.models import DJSet
from tests.push_helpers import Subscriber, subscribe


@pytest.fixture
def quick_set(dj):
    return DJSet.objects.go_live(dj, "DJ Nova")[0]


def announce(client, dj_set, message="Last song in 5 minutes!", priority="info", push="on", token=None):
    data = {"message": message, "priority": priority, submit_once.FIELD: token or submit_once.new_token()}
    if push:
        data["push"] = push
    return client.post(f"/dj/sets/{dj_set.code}/announce", data)


def test_the_dashboard_offers_the_form_with_its_reach(client, dj, quick_set, push_service):
    subscribe(Subscriber(push_service, "a"), dj_set=quick_set)
    subscribe(Subscriber(push_service, "b"), dj_set=quick_set)
    client.force_login(dj)

    html = client.get("/dj/").content.decode()

    assert f'<form method="post" action="/dj/sets/{quick_set.code}/announce" class="announce-form">' in html
    assert "<strong>0 open pages</strong>,\n  <strong>2 devices with notifications</strong>" in html
    assert f'hx-get="/dj/sets/{quick_set.code}/announce/reach"' in html
    assert '<section id="announcements" class="announcements"' in html
    assert f'<script type="text/plain" data-after-paint="{static("js/announcements.js")}"></script>' in html


def test_a_dj_on_an_event_stage_gets_no_form_but_keeps_the_banner_target(client, dj, weekend):
    DJSet.objects.go_live(dj, "DJ Nova", weekend.main)
    client.force_login(dj)

    html = client.get("/dj/").content.decode()

    assert "announce-form" not in html
    assert '<section id="announcements"' in html


def test_announcing_shows_it_to_the_set_and_pushes_to_its_subscribers_only(
    client, dj, other_dj, quick_set, push_service, django_capture_on_commit_callbacks
):
    mine, theirs = Subscriber(push_service, "mine"), Subscriber(push_service, "theirs")
    subscribe(mine, dj_set=quick_set)
    their_set = DJSet.objects.go_live(other_dj, "DJ Other")[0]
    subscribe(theirs, dj_set=their_set)
    client.force_login(dj)

    with django_capture_on_commit_callbacks(execute=True):
        response = announce(client, quick_set, priority="important")

    assert (response.status_code, response["Location"]) == (302, "/dj/")
    announcement = Announcement.objects.get()
    assert (announcement.dj_set, announcement.event, announcement.author, announcement.priority) == (
        quick_set, None, dj, "important"
    )
    [received] = push_service.received
    assert received.path == "/push/mine"
    assert mine.decrypt(received) == {
        "title": "DJ Nova", "body": "Last song in 5 minutes!", "url": f"/live/{quick_set.code}",
        "tag": f"announcement-{announcement.code}", "priority": "important",
    }
    html = client.get("/dj/").content.decode()
    assert "Announcement sent to 0 open pages." in html
    assert "Push: 1 delivered · 0 failed (of 1 device)" in html


def test_without_push_it_only_shows_on_open_pages(client, dj, quick_set, push_service, django_capture_on_commit_callbacks):
    subscribe(Subscriber(push_service, "mine"), dj_set=quick_set)
    client.force_login(dj)

    with django_capture_on_commit_callbacks(execute=True):
        announce(client, quick_set, push=None)

    assert push_service.received == []
    assert Announcement.objects.get().push is None
    assert "No push" in client.get("/dj/").content.decode()


def test_a_double_submit_sends_once(client, dj, quick_set):
    client.force_login(dj)
    token = submit_once.new_token()

    first = announce(client, quick_set, token=token)
    second = announce(client, quick_set, token=token)

    assert (first.status_code, second.status_code) == (302, 302)
    assert Announcement.objects.count() == 1


@pytest.mark.parametrize(
    ("message", "priority", "error"),
    [
        ("", "info", "This field is required."),
        ("   ", "info", "This field is required."),
        ("x" * 10_000, "info", "Ensure this value has at most 280 characters (it has 10000)."),
        ("Hello", "shouting", "Select a valid choice. shouting is not one of the available choices."),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(client, dj, quick_set, message, priority, error):
    client.force_login(dj)

    response = announce(client, quick_set, message=message, priority=priority)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    if message.strip():
        assert f'required>{message}</textarea>' in html
    assert not Announcement.objects.exists()


def test_an_emoji_only_message_is_fine(client, dj, quick_set):
    client.force_login(dj)

    assert announce(client, quick_set, message="🎉🎶💃").status_code == 302
    assert Announcement.objects.get().message == "🎉🎶💃"


def test_another_dj_cannot_announce_to_my_set(client, other_dj, quick_set):
    client.force_login(other_dj)

    assert announce(client, quick_set).status_code == 404
    assert not Announcement.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, quick_set):
    response = announce(client, quick_set)

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next=/dj/sets/{quick_set.code}/announce")
    assert not Announcement.objects.exists()


def test_an_ended_set_takes_no_announcements(client, dj, quick_set):
    quick_set.end()
    client.force_login(dj)

    response = announce(client, quick_set)

    assert response.status_code == 409
    assert "This set has ended; its listeners have moved on." in response.content.decode()
    assert not Announcement.objects.exists()


def test_a_set_on_an_event_stage_leaves_announcements_to_the_organizer(client, dj, weekend):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", weekend.main)[0]
    client.force_login(dj)

    response = announce(client, dj_set)

    assert response.status_code == 409
    assert "On an event stage, announcements are the organizer&#x27;s to send." in response.content.decode()
    assert not Announcement.objects.exists()


def test_the_reach_preview_refreshes_for_the_dj_only(client, dj, other_dj, quick_set, push_service):
    subscribe(Subscriber(push_service, "a"), dj_set=quick_set)
    url = f"/dj/sets/{quick_set.code}/announce/reach"

    assert client.get(url).status_code == 302
    client.force_login(other_dj)
    assert client.get(url).status_code == 404
    client.force_login(dj)
    html = client.get(url).content.decode()
    assert "<strong>0 open pages</strong>,\n  <strong>1 device with notifications</strong>" in html


def test_delivery_counts_are_shown_to_the_sender_only(client, dj, other_dj, quick_set, push_service, organizer,
                                                      django_capture_on_commit_callbacks):
    subscribe(Subscriber(push_service, "a"), dj_set=quick_set)
    push_service.answer("a", 410)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = Announcement.objects.send(author=dj, dj_set=quick_set, message="Hi", push=True)
    url = f"/announcements/{announcement.code}/delivery"

    assert client.get(url).status_code == 404
    client.force_login(other_dj)
    assert client.get(url).status_code == 404
    client.force_login(organizer)
    assert client.get(url).status_code == 404
    client.force_login(dj)
    html = client.get(url).content.decode()
    assert "Push: 0 delivered · 0 failed · 1 unsubscribed (of 1 device)" in html
    assert "hx-trigger" not in html  # finished: the page stops asking


def test_delivery_still_going_keeps_polling(client, dj, quick_set):
    announcement = Announcement.objects.send(author=dj, dj_set=quick_set, message="Hi", push=True)
    PushMessage.objects.filter(pk=announcement.push_id).update(recipients=5, delivered=2, fanned_out_at="2026-03-14T20:00:00Z")
    client.force_login(dj)

    html = client.get(f"/announcements/{announcement.code}/delivery").content.decode()

    assert "Push: 2 delivered · 0 failed · 3 sending… (of 5 devices)" in html
    assert f'hx-get="/announcements/{announcement.code}/delivery" hx-trigger="every 2s"' in html


def test_a_queued_push_says_so(client, dj, quick_set):
    announcement = Announcement.objects.send(author=dj, dj_set=quick_set, message="Hi", push=True)
    client.force_login(dj)

    html = client.get(f"/announcements/{announcement.code}/delivery").content.decode()

    assert "Push queued…" in html and "hx-trigger" in html
