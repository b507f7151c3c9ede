"""Liking a track: anonymous hearts, one per track per dancer, unlike, 404s, no liking for others."""

import pytest
from django.test import Client

from crate.models import Like
from stages.live import render_live
from tests.likes_helpers import like, like_url
from tests.personas import dancer_phone, played_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(dj):
    return played_set(dj, titles=("Ghost", "Café del Mar 🌅"))


def test_an_anonymous_dancer_likes_and_unlikes_a_track(played):
    dj_set, (ghost, cafe) = played
    phone = dancer_phone()
    client_id = phone.cookies["pika_client"].value

    response = like(phone, cafe)
    assert response.status_code == 302 and response["Location"] == dj_set.get_absolute_url()
    stored = Like.objects.get()
    assert (stored.track, stored.user, stored.client_id) == (cafe, None, client_id)

    like(phone, cafe, "0")
    assert Like.objects.count() == 0


def test_one_like_per_track_per_dancer_however_often_they_tap(played):
    _, (ghost, _) = played
    phone = dancer_phone()
    for _ in range(3):
        like(phone, ghost)
    assert Like.objects.filter(track=ghost).count() == 1
    like(phone, ghost, "0")
    like(phone, ghost, "0")
    assert Like.objects.count() == 0


def test_two_dancers_like_the_same_track_each_their_own(played):
    _, (ghost, _) = played
    anna, ben = dancer_phone(), dancer_phone()
    like(anna, ghost)
    like(ben, ghost)
    like(ben, ghost, "0")
    assert list(Like.objects.values_list("client_id", flat=True)) == [anna.cookies["pika_client"].value]


def test_the_htmx_answer_is_the_heart_in_its_new_state(played):
    dj_set, (ghost, _) = played
    phone = dancer_phone()
    html = like(phone, ghost, HTTP_HX_REQUEST="true").content.decode()
    # Only the button: htmx swaps it into the form it came from.
    assert html.startswith('<button class="heart"') and html.endswith("</button>") and "<form" not in html
    assert f'data-like="{ghost.pk}" data-liked="1" aria-pressed="true"' in html and 'value="0"' in html
    html = like(phone, ghost, "0", HTTP_HX_REQUEST="true").content.decode()
    assert f'data-like="{ghost.pk}" data-liked="0" aria-pressed="false"' in html and 'value="1"' in html


def test_the_heart_form_posts_to_the_tracks_like_url(played):
    dj_set, (ghost, _) = played
    html = dancer_phone().get(dj_set.get_absolute_url()).content.decode()
    url = f"/live/{dj_set.code}/tracks/{ghost.pk}/like"
    assert f'<form class="like" method="post" action="{url}" hx-post="{url}">' in html


def test_without_javascript_the_form_returns_to_the_page_it_came_from(played, dj):
    dj_set, (ghost, _) = played
    phone = dancer_phone()
    stage_url = "http://testserver/s/abcdefgh"
    assert like(phone, ghost, HTTP_REFERER=stage_url)["Location"] == stage_url
    # Never back to another site.
    assert like(phone, ghost, HTTP_REFERER="https://evil.example/x")["Location"] == dj_set.get_absolute_url()


def test_tracks_of_an_ended_set_can_still_be_liked(played):
    dj_set, (ghost, _) = played
    dj_set.end()
    phone = dancer_phone()
    assert like(phone, ghost).status_code == 302
    assert Like.objects.filter(track=ghost).count() == 1


def test_the_pages_show_each_dancer_their_own_hearts(played):
    dj_set, (ghost, cafe) = played
    anna, ben = dancer_phone(), dancer_phone()
    like(anna, ghost)
    anna_html = anna.get(dj_set.get_absolute_url()).content.decode()
    ben_html = ben.get(dj_set.get_absolute_url()).content.decode()
    assert f'data-like="{ghost.pk}" data-liked="1" aria-pressed="true"' in anna_html
    assert f'data-like="{cafe.pk}" data-liked="0" aria-pressed="false"' in anna_html
    assert f'data-like="{ghost.pk}" data-liked="0" aria-pressed="false"' in ben_html
    # Without JavaScript the heart is a real form with this phone's CSRF token.
    assert 'name="csrfmiddlewaretoken"' in anna_html[anna_html.index('id="now-playing"'):]


def test_the_fragment_pushed_to_every_phone_carries_no_dancer_state(played):
    dj_set, (ghost, cafe) = played
    like(dancer_phone(), cafe)
    html = render_live(dj_set)
    assert f'data-like="{cafe.pk}" aria-pressed="false"' in html
    assert f'data-like="{ghost.pk}" aria-pressed="false"' in html
    assert "data-liked" not in html and "csrfmiddlewaretoken" not in html


def test_the_stage_page_hearts_the_live_track(dj, other_dj):
    from tests.personas import event_stage

    stage = event_stage(other_dj)
    dj_set, (ghost,) = played_set(dj, titles=("Ghost",), stage=stage)
    phone = dancer_phone()
    like(phone, ghost)
    html = phone.get(f"/s/{stage.code}").content.decode()
    now_playing = html[html.index('id="now-playing"'):html.index('id="set-list"')]
    assert f'action="/live/{dj_set.code}/tracks/{ghost.pk}/like"' in now_playing
    assert 'aria-pressed="true"' in now_playing


def test_an_unknown_track_is_a_404(played):
    dj_set, (ghost, _) = played
    phone = dancer_phone()
    assert phone.post(f"/live/{dj_set.code}/tracks/999999/like", {"liked": "1"}).status_code == 404
    assert phone.post(f"/live/nosuchcode/tracks/{ghost.pk}/like", {"liked": "1"}).status_code == 404
    assert phone.post(f"/live/{dj_set.code}/tracks/abc/like", {"liked": "1"}).status_code == 404
    assert Like.objects.count() == 0


def test_a_track_id_under_another_sets_code_is_a_404(dj, other_dj, played):
    _, (ghost, _) = played
    other_set, _ = played_set(other_dj, titles=("Other",), dj_name="DJ Other")
    phone = dancer_phone()
    response = phone.post(f"/live/{other_set.code}/tracks/{ghost.pk}/like", {"liked": "1"})
    assert response.status_code == 404
    assert "We can't find that" in response.content.decode()
    assert Like.objects.count() == 0


@pytest.mark.parametrize("body", [{}, {"liked": "yes"}, {"liked": "2"}, {"liked": "1" * 10_000}])
def test_a_malformed_like_gets_a_clear_400_and_changes_nothing(played, body):
    _, (ghost, _) = played
    response = dancer_phone().post(like_url(ghost), body)
    assert response.status_code == 400
    assert response.content.decode() == "Send liked=1 to like the track or liked=0 to unlike it."
    assert Like.objects.count() == 0


def test_liking_needs_a_post(played):
    _, (ghost, _) = played
    assert dancer_phone().get(like_url(ghost)).status_code == 405
    assert Like.objects.count() == 0


def test_a_posted_client_id_is_ignored_the_cookie_decides(played):
    _, (ghost, _) = played
    victim, attacker = dancer_phone(), dancer_phone()
    attacker.post(like_url(ghost), {"liked": "1", "client_id": victim.cookies["pika_client"].value})
    assert list(Like.objects.values_list("client_id", flat=True)) == [attacker.cookies["pika_client"].value]


def test_a_cross_site_post_without_the_csrf_token_is_refused(played):
    _, (ghost, _) = played
    phone = Client(enforce_csrf_checks=True)
    phone.get("/likes/")
    response = phone.post(like_url(ghost), {"liked": "1"})
    assert response.status_code == 403
    assert Like.objects.count() == 0


def test_a_forged_cookie_gets_a_fresh_id_not_someone_elses(played):
    _, (ghost, _) = played
    phone = Client()
    phone.cookies["pika_client"] = "<script>"
    response = like(phone, ghost)
    fresh = response.cookies["pika_client"].value
    assert fresh != "<script>" and len(fresh) == 32
    assert Like.objects.get().client_id == fresh


def test_a_signed_in_dancer_likes_on_their_account(client, dj, played):
    _, (ghost, _) = played
    client.force_login(dj)
    like(client, ghost)
    stored = Like.objects.get()
    assert (stored.user, stored.client_id) == (dj, "")
    like(client, ghost, "0")
    assert Like.objects.count() == 0


def test_a_deleted_track_takes_its_likes_with_it(played):
    dj_set, (ghost, _) = played
    like(dancer_phone(), ghost)
    ghost.delete()
    assert Like.objects.count() == 0


def test_the_database_refuses_a_second_like_of_the_same_track(played):
    from django.db import IntegrityError, transaction

    _, (ghost, _) = played
    Like.objects.create(track=ghost, client_id="a" * 32)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(track=ghost, client_id="a" * 32)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(track=ghost)  # nobody's like
