"""An organizer announces to everyone at their event: reach preview, send, delivery counts."""

import pytest
from django.templatetags.static import static

from accounts.models import User
from announcements.models import Announcement, PushMessage
from events.models import Event
from pika import submit_once
from tests.push_helpers import Subscriber, subscribe


def url(event):
    return f"/organize/{event.slug}/announce"


def announce(client, event, message="Competitions start in 15 minutes!", priority="urgent", push="on", token=None):
    data = {"message": message, "priority": priority, submit_once.FIELD: token or submit_once.new_token()}
    if push:
        data["push"] = push
    return client.post(url(event), data)


def test_the_page_previews_who_an_announcement_reaches(organizer_client, weekend, push_service):
    both = Subscriber(push_service, "both")
    subscribe(both, stage=weekend.main)
    subscribe(both, stage=weekend.blues)
    subscribe(Subscriber(push_service, "main"), stage=weekend.main)
    subscribe(Subscriber(push_service, "paris"), stage=weekend.ballroom)

    html = organizer_client.get(url(weekend.event)).content.decode()

    assert "<h1 class=\"page-title\">Announce to Swing Into Spring</h1>" in html
    assert "<strong>0 open pages</strong>,\n  <strong>2 devices with notifications</strong>" in html
    assert f'hx-get="/organize/{weekend.event.slug}/announce/reach" hx-trigger="every 15s"' in html
    assert 'name="priority" value="urgent"' in html and 'id="id_push" name="push" checked' in html
    assert "Nothing sent yet." in html


def test_open_pages_are_counted_from_every_stage_and_the_event_page(organizer_client, weekend):
    from pika import listeners

    from pika.live import event_page_group, stage_group

    listeners.record(f"{stage_group(weekend.main.pk)}", 300, "elsewhere")
    listeners.record(f"{stage_group(weekend.blues.pk)}", 10, "elsewhere")
    listeners.record(f"{event_page_group(weekend.event.pk)}", 2, "elsewhere")
    listeners.record(f"{stage_group(weekend.ballroom.pk)}", 999, "elsewhere")

    html = organizer_client.get(f"/organize/{weekend.event.slug}/announce/reach").content.decode()

    assert "<strong>312 open pages</strong>,\n  <strong>0 devices with notifications</strong>" in html


def test_sending_pushes_once_to_each_device_of_the_event_and_lists_the_counts(
    organizer_client, weekend, organizer, push_service, django_capture_on_commit_callbacks
):
    both, main, paris = (Subscriber(push_service, name) for name in ("both", "main", "paris"))
    subscribe(both, stage=weekend.main)
    subscribe(both, stage=weekend.blues)
    subscribe(main, stage=weekend.main)
    subscribe(paris, stage=weekend.ballroom)
    push_service.answer("main", 410)

    with django_capture_on_commit_callbacks(execute=True):
        response = announce(organizer_client, weekend.event)

    assert (response.status_code, response["Location"]) == (302, url(weekend.event))
    announcement = Announcement.objects.get()
    assert (announcement.event, announcement.dj_set, announcement.author, announcement.priority, announcement.message) == (
        weekend.event, None, organizer, "urgent", "Competitions start in 15 minutes!"
    )
    assert sorted(push.path for push in push_service.received) == ["/push/both", "/push/main"]
    assert both.decrypt(push_service.pushes_to("both")[0])["title"] == "Urgent · Swing Into Spring"
    html = organizer_client.get(url(weekend.event)).content.decode()
    assert "Announcement sent to 0 open pages." in html
    assert "Push: 1 delivered · 0 failed · 1 unsubscribed (of 2 devices)" in html
    assert "Competitions start in 15 minutes!" in html


def test_the_event_page_keeps_the_announcement_listed(client, organizer_client, weekend, organizer):
    Announcement.objects.send(author=organizer, event=weekend.event, message="Dinner at 8 in the lobby", push=False)
    client.logout()

    html = client.get(weekend.event.get_absolute_url()).content.decode()

    assert '<section id="announcements" class="announcements is-list"' in html
    assert "Dinner at 8 in the lobby" in html
    assert f'<script type="text/plain" data-after-paint="{static("js/announcements.js")}"></script>' in html


def test_the_page_lists_what_was_sent_in_a_fixed_number_of_queries(
    organizer_client, weekend, organizer, django_assert_num_queries
):
    for n in range(12):
        Announcement.objects.send(author=organizer, event=weekend.event, message=f"Note {n}", push=n % 2 == 0)
    # set, user, organizer check, event, stages (reach), devices (reach), announcements with their push
    with django_assert_num_queries(7):
        html = organizer_client.get(url(weekend.event)).content.decode()
    assert html.count('<li class="sent is-info">') == 12
    assert html.count("Push queued…") == 6 and html.count("No push") == 6


@pytest.mark.parametrize(
    ("message", "priority", "error"),
    [
        ("", "info", "This field is required."),
        ("x" * 10_000, "info", "Ensure this value has at most 280 characters (it has 10000)."),
        ("Hello", "", "This field is required."),
        ("Hello", "loud", "Select a valid choice. loud is not one of the available choices."),
    ],
)
def test_bad_input_is_explained_and_keeps_what_was_typed(organizer_client, weekend, message, priority, error):
    response = announce(organizer_client, weekend.event, message=message, priority=priority)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert f"required>{message}</textarea>" in html
    assert not Announcement.objects.exists()


def test_a_double_submit_sends_once(organizer_client, weekend):
    token = submit_once.new_token()

    responses = [announce(organizer_client, weekend.event, token=token) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert Announcement.objects.count() == 1
    assert PushMessage.objects.count() == 1


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.ARCHIVED])
def test_an_event_nobody_can_see_takes_no_announcements(organizer_client, weekend, status):
    Event.objects.filter(pk=weekend.event.pk).update(status=status)

    response = announce(organizer_client, weekend.event)

    assert response.status_code == 409
    assert "Publish the event first: until then nobody but you can see its pages." in response.content.decode()
    assert not Announcement.objects.exists()


def test_another_organizer_gets_a_404_and_sends_nothing(client, weekend):
    client.force_login(weekend.other_event.organizer)

    assert client.get(url(weekend.event)).status_code == 404
    assert announce(client, weekend.event).status_code == 404
    assert client.get(f"/organize/{weekend.event.slug}/announce/reach").status_code == 404
    assert not Announcement.objects.exists()


def test_a_user_who_is_not_an_organizer_is_invited_to_apply(client, weekend, dj):
    client.force_login(dj)

    response = announce(client, weekend.event)

    assert (response.status_code, response["Location"]) == (302, "/organize/apply")
    assert not Announcement.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, weekend):
    response = announce(client, weekend.event)

    assert (response.status_code, response["Location"]) == (
        302, f"/accounts/login/?next=/organize/{weekend.event.slug}/announce"
    )
    assert not Announcement.objects.exists()


def test_an_unknown_event_is_a_404(organizer_client, db):
    assert organizer_client.get("/organize/no-such-weekend/announce").status_code == 404


def test_the_organizer_pages_link_to_announcements(organizer_client, weekend):
    for page in (f"/organize/{weekend.event.slug}/", f"/organize/{weekend.event.slug}/live"):
        html = organizer_client.get(page).content.decode()
        assert f'href="/organize/{weekend.event.slug}/announce"' in html


def test_delivery_counts_are_for_the_events_organizer(client, weekend, organizer):
    announcement = Announcement.objects.send(author=organizer, event=weekend.event, message="Hi", push=True)
    delivery = f"/announcements/{announcement.code}/delivery"

    assert client.get(delivery).status_code == 404
    client.force_login(weekend.other_event.organizer)
    assert client.get(delivery).status_code == 404
    client.force_login(User.objects.get(email="org@example.com"))
    assert "Push queued…" in client.get(delivery).content.decode()
