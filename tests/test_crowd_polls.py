"""Polls on the dancers' pages: the set's poll shows on its page and on its stage's page,
a dancer answers once and then sees the result bars with their own answer marked, a late
joiner sees the tallies and their answer, results stay a short while after the end, a
cancelled poll goes at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowd.models import RESULTS_SECONDS, Poll, PollAnswer
from tests.crowd_helpers import answer, poll_slot, start_poll
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_set(dj, event):
    return played_set(dj, titles=["Ghost"], stage=event.stages.get(name="Main Floor"))[0]


def test_the_poll_shows_on_the_set_page_and_its_stage_page(live_set):
    poll = start_poll(live_set, "Next style?", ["Blues", "Lyrical"])
    for url in (live_set.get_absolute_url(), live_set.stage.get_absolute_url()):
        slot = poll_slot(dancer_phone().get(url).content.decode())
        assert f'<section class="poll" data-poll="{poll.code}" data-mine=""' in slot
        assert '<h2 class="poll-question" id="poll-' in slot and ">Next style?</h2>" in slot
        assert slot.count('class="poll-option"') == 2
        assert '<span class="poll-label">Blues</span>' in slot and '<span class="poll-label">Lyrical</span>' in slot
        assert '<span class="poll-total">0 answers</span>' in slot


def test_a_dancer_answers_once_and_sees_the_results_with_their_answer_marked(live_set):
    poll = start_poll(live_set, "Next style?", ["Blues", "Lyrical", "Pop"])
    phone, other = dancer_phone(), dancer_phone()
    assert answer(other, poll, 0).status_code == 302
    response = answer(phone, poll, 2, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    slot = response.content.decode()
    assert slot.startswith('<div id="crowd-poll" class="poll-slot">')
    assert f'<section class="poll is-answered" data-poll="{poll.code}" data-mine="2"' in slot
    assert 'data-option="2" aria-pressed="true"' in slot
    assert 'data-option="0" aria-pressed="false"' in slot
    assert '<progress max="2" value="1" aria-label="1 of 2"></progress> <span class="poll-percent">50%</span>' in slot
    assert '<span class="poll-total">2 answers</span>' in slot
    # Once: a second answer (even another option) is refused and changes nothing.
    again = answer(phone, poll, 0)
    assert again.status_code == 409
    assert again.content.decode() == "You already answered this poll."
    assert sorted(PollAnswer.objects.values_list("option__label", flat=True)) == ["Blues", "Pop"]


def test_a_late_joiner_sees_the_tallies_and_their_own_answer(live_set):
    poll = start_poll(live_set)
    phone = dancer_phone()
    answer(phone, poll, 1)
    for _ in range(3):
        answer(dancer_phone(), poll, 0)
    slot = poll_slot(phone.get(live_set.stage.get_absolute_url()).content.decode())
    assert 'data-mine="1"' in slot and "is-answered" in slot
    assert 'data-option="1" aria-pressed="true"' in slot
    assert '<progress max="4" value="3" aria-label="3 of 4"></progress> <span class="poll-percent">75%</span>' in slot
    fresh = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert 'data-mine=""' in fresh and "is-answered" not in fresh and 'aria-pressed="true"' not in fresh


def test_results_stay_a_short_while_after_the_end_then_go(live_set):
    poll = start_poll(live_set)
    answer(dancer_phone(), poll, 0)
    poll.end()
    slot = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert '<section class="poll is-closed"' in slot
    assert '<span class="poll-state">Final results</span>' in slot
    assert slot.count(" disabled>") == 3
    Poll.objects.filter(pk=poll.pk).update(ended_at=timezone.now() - timedelta(seconds=RESULTS_SECONDS + 1))
    assert poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode()) == (
        '<div id="crowd-poll" class="poll-slot"></div>'
    )


def test_a_timed_poll_closes_by_itself(live_set):
    poll = start_poll(live_set, duration=60)
    assert poll.ends_at == poll.started_at + timedelta(seconds=60)
    slot = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert f'data-ends="{int(poll.ends_at.timestamp())}"' in slot and "closes at" in slot
    Poll.objects.filter(pk=poll.pk).update(started_at=poll.started_at - timedelta(seconds=61),
                                           ends_at=poll.ends_at - timedelta(seconds=61))
    assert answer(dancer_phone(), poll, 0).status_code == 409
    slot = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert "is-closed" in slot and "Final results" in slot and "data-ends" not in slot
    assert PollAnswer.objects.count() == 0


def test_a_cancelled_poll_leaves_the_pages_at_once(live_set):
    poll = start_poll(live_set)
    poll.end(cancel=True)
    assert poll_slot(dancer_phone().get(live_set.stage.get_absolute_url()).content.decode()) == (
        '<div id="crowd-poll" class="poll-slot"></div>'
    )


def test_a_new_poll_ends_the_running_one(live_set):
    first = start_poll(live_set, "First?")
    second = start_poll(live_set, "Second?")
    first.refresh_from_db()
    assert first.ended_at is not None and second.ended_at is None
    slot = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert "Second?" in slot and "First?" not in slot


def test_the_stage_page_shows_only_the_poll_of_the_set_driving_it(live_set, other_dj):
    start_poll(live_set, "Old room question?")
    played_set(other_dj, titles=["Next"], dj_name="DJ Other", stage=live_set.stage)
    html = dancer_phone().get(live_set.stage.get_absolute_url()).content.decode()
    assert poll_slot(html) == '<div id="crowd-poll" class="poll-slot"></div>'
    assert "Old room question?" in dancer_phone().get(live_set.get_absolute_url()).content.decode()


def test_poll_text_is_text_on_the_page(live_set):
    start_poll(live_set, "<script>alert(1)</script>?", ["<b>bold</b>", "<img src=x onerror=alert(1)>"])
    slot = poll_slot(dancer_phone().get(live_set.get_absolute_url()).content.decode())
    assert "<script>" not in slot and "<b>" not in slot and "<img" not in slot
    assert "&lt;script&gt;alert(1)&lt;/script&gt;?" in slot
    assert "&lt;img src=x onerror=alert(1)&gt;" in slot


def test_the_end_schedules_the_results_leaving_the_pages(live_set, monkeypatch, django_capture_on_commit_callbacks):
    from crowd import live

    scheduled = []
    monkeypatch.setattr(live, "later", lambda seconds, task, *args: scheduled.append((seconds, task, args)))
    timed = start_poll(live_set, duration=120)
    with django_capture_on_commit_callbacks(execute=True):
        Poll.objects.start(live_set, "Timed?", ["A", "B"], 120)
    poll = Poll.objects.get(question="Timed?")
    assert [(round(s), t, a) for s, t, a in scheduled] == [
        (120, "crowd.tasks.poll_changed", (poll.pk,)), (120 + RESULTS_SECONDS, "crowd.tasks.poll_changed", (poll.pk,)),
    ]
    scheduled.clear()
    with django_capture_on_commit_callbacks(execute=True):
        poll.end()
    assert scheduled == [(RESULTS_SECONDS, "crowd.tasks.poll_changed", (poll.pk,))]
    timed.refresh_from_db()
    assert timed.ended_at is not None  # the second poll ended the first
