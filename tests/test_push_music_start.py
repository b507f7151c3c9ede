"""Music starts: a DJ going live on a stage is pushed to that stage's subscribers only."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from announcements.models import PushMessage
from stages.models import DJSet
from tests.push_helpers import Subscriber, subscribe


def go_live(dj, capture, stage=None, name="DJ Nova"):
    with capture(execute=True):
        dj_set, _ = DJSet.objects.go_live(dj, name, stage)
    return dj_set


def test_going_live_on_a_stage_tells_that_stages_subscribers(
    push_service, weekend, dj, settings, django_capture_on_commit_callbacks
):
    main, blues, paris = (Subscriber(push_service, name) for name in ("main", "blues", "paris"))
    subscribe(main, stage=weekend.main)
    subscribe(blues, stage=weekend.blues)
    subscribe(paris, stage=weekend.ballroom)

    go_live(dj, django_capture_on_commit_callbacks, weekend.main)

    [received] = push_service.received
    assert received.path == "/push/main"
    assert main.decrypt(received) == {
        "title": "Swing Into Spring",
        "body": "DJ Nova is now live on Main Floor",
        "url": weekend.main.get_absolute_url(),
        "tag": f"stage-{weekend.main.code}",
        "priority": "info",
    }
    assert (received.headers["ttl"], received.headers["urgency"]) == ("600", "normal")
    message = PushMessage.objects.get()
    assert (message.stage, message.recipients, message.delivered) == (weekend.main, 1, 1)


def test_a_quick_start_set_pushes_nothing(push_service, weekend, dj, django_capture_on_commit_callbacks):
    subscribe(Subscriber(push_service, "main"), stage=weekend.main)

    go_live(dj, django_capture_on_commit_callbacks)

    assert push_service.received == []
    assert not PushMessage.objects.exists()


def test_the_next_dj_on_the_stage_is_news_again_ten_minutes_later(
    push_service, weekend, dj, other_dj, django_capture_on_commit_callbacks
):
    from announcements.models import MUSIC_START_STAGE_MINUTES

    phone = Subscriber(push_service, "main")
    subscribe(phone, stage=weekend.main)

    go_live(dj, django_capture_on_commit_callbacks, weekend.main)
    PushMessage.objects.update(created_at=F("created_at") - timedelta(minutes=MUSIC_START_STAGE_MINUTES, seconds=1))
    go_live(other_dj, django_capture_on_commit_callbacks, weekend.main, name="DJ Other")

    assert [phone.decrypt(push)["body"] for push in push_service.received] == [
        "DJ Nova is now live on Main Floor",
        "DJ Other is now live on Main Floor",
    ]


def test_a_stage_says_now_live_at_most_once_in_ten_minutes(
    push_service, weekend, dj, other_dj, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "main")
    subscribe(phone, stage=weekend.main)

    go_live(dj, django_capture_on_commit_callbacks, weekend.main)
    go_live(other_dj, django_capture_on_commit_callbacks, weekend.main, name="DJ Other")
    go_live(dj, django_capture_on_commit_callbacks, weekend.main, name="DJ Nova (back)")

    assert [phone.decrypt(push)["body"] for push in push_service.received] == ["DJ Nova is now live on Main Floor"]


def test_the_push_names_the_accounts_display_name_not_the_typed_one(
    push_service, weekend, dj, django_capture_on_commit_callbacks
):
    phone = Subscriber(push_service, "main")
    subscribe(phone, stage=weekend.main)

    go_live(dj, django_capture_on_commit_callbacks, weekend.main, name="FREE DRINKS AT THE BAR")

    assert [phone.decrypt(push)["body"] for push in push_service.received] == ["DJ Nova is now live on Main Floor"]


def test_the_same_dj_restarting_their_set_is_not_pushed_twice(
    push_service, weekend, dj, django_capture_on_commit_callbacks
):
    subscribe(Subscriber(push_service, "main"), stage=weekend.main)

    go_live(dj, django_capture_on_commit_callbacks, weekend.main)
    go_live(dj, django_capture_on_commit_callbacks, weekend.main)

    assert len(push_service.received) == 1


def test_the_same_dj_back_after_a_long_break_is_news(
    push_service, weekend, dj, django_capture_on_commit_callbacks
):
    subscribe(Subscriber(push_service, "main"), stage=weekend.main)
    earlier = go_live(dj, django_capture_on_commit_callbacks, weekend.main)
    DJSet.objects.filter(pk=earlier.pk).update(
        started_at=timezone.now() - timedelta(hours=3), ended_at=timezone.now() - timedelta(hours=2)
    )
    PushMessage.objects.update(created_at=timezone.now() - timedelta(hours=3))

    go_live(dj, django_capture_on_commit_callbacks, weekend.main)

    assert len(push_service.received) == 2


def test_a_set_that_no_longer_drives_its_stage_when_the_task_runs_is_not_pushed(
    push_service, weekend, dj, other_dj, monkeypatch, django_capture_on_commit_callbacks
):
    from announcements import tasks

    subscribe(Subscriber(push_service, "main"), stage=weekend.main)
    monkeypatch.setattr("announcements.live.async_task", lambda *args: None)  # the queue is slow
    first = go_live(dj, django_capture_on_commit_callbacks, weekend.main)
    go_live(other_dj, django_capture_on_commit_callbacks, weekend.main, name="DJ Other")

    tasks.music_started(first.pk)  # the queue was slow: DJ Other took over meanwhile

    assert push_service.received == []
