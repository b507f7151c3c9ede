"""Who may drive a stage: the organizer's call per event (any verified DJ, or the lineup
only), blocks, and the organizer ending any set on their stages. Checked for the owner
(the event's organizer), another organizer, a listed DJ, an unlisted DJ and anonymous."""

import json

import pytest
from django.utils.html import escape

from accounts.models import ApiToken
from events.models import BlockedDJ, Event, LineupEntry
from stages.models import DJSet
from tests.personas import make_dj


def token_of(user):
    return ApiToken.issue(user, "Laptop")[1]


def go_live(client, user, stage):
    """POST /api/v1/sessions on the stage with this user's token: (status, body)."""
    response = client.post("/api/v1/sessions", json.dumps({"stage": stage.code}), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token_of(user)}")
    return response.status_code, response.json()


@pytest.fixture
def lineup_event(event):
    Event.objects.filter(pk=event.pk).update(dj_policy=Event.DjPolicy.LINEUP)
    event.refresh_from_db()
    return event


@pytest.fixture
def main(event):
    return event.stages.get(name="Main Floor")


LINEUP_REFUSAL = ("Only DJs on Swing Fling's lineup may play on its stages. Ask the organizer to add the e-mail "
                  "address you signed up with (and verify it).")


def test_the_matrix_under_the_lineup_policy(client, lineup_event, main, organizer, other_organizer, dj, other_dj):
    LineupEntry.objects.create(event=lineup_event, email="DJ@example.com")  # the listed DJ, any case
    other_organizer.mark_email_verified()

    results = {name: go_live(client, user, main)[0]
               for name, user in [("owner", organizer), ("other organizer", other_organizer),
                                  ("listed DJ", dj), ("unlisted DJ", other_dj)]}
    anonymous = client.post("/api/v1/sessions", json.dumps({"stage": main.code}), content_type="application/json")

    assert results == {"owner": 201, "other organizer": 403, "listed DJ": 201, "unlisted DJ": 403}
    assert anonymous.status_code == 401
    assert set(DJSet.objects.filter(stage=main).values_list("dj__email", flat=True)) == {"org@example.com", "dj@example.com"}


def test_a_refused_go_live_is_a_403_with_a_message_the_agent_shows(client, lineup_event, main, other_dj):
    status, body = go_live(client, other_dj, main)

    assert (status, body) == (403, {"error": {"code": "stage_not_allowed", "message": LINEUP_REFUSAL, "field": "stage"}})
    assert not DJSet.objects.exists()


def test_the_verified_policy_lets_any_verified_dj_and_no_unverified_one(client, event, main, other_organizer):
    verified = make_dj("verified@example.com", "DJ Verified")
    fresh = make_dj("fresh@example.com", "DJ Fresh", verified=False)  # open sign-up, mail not confirmed
    other_organizer.mark_email_verified()

    assert go_live(client, verified, main)[0] == 201
    assert go_live(client, fresh, main) == (403, {"error": {
        "code": "stage_not_allowed", "field": "stage",
        "message": "Verify your e-mail address first: Swing Fling lets only DJs with a verified e-mail play.",
    }})
    assert go_live(client, other_organizer, main)[0] == 201  # verified, and not blocked


def test_a_pending_invite_works_once_the_dj_signs_up_and_verifies(client, lineup_event, main):
    LineupEntry.objects.create(event=lineup_event, email="newcomer@example.com")
    newcomer = make_dj("newcomer@example.com", "DJ Newcomer", verified=False)

    assert go_live(client, newcomer, main)[0] == 403  # signed up, not confirmed yet: anyone could type that address
    newcomer.mark_email_verified()
    assert go_live(client, newcomer, main)[0] == 201


def test_an_unlisted_dj_is_refused_on_the_dashboard_with_the_message(client, lineup_event, main, other_dj):
    client.force_login(other_dj)

    response = client.post("/dj/go-live", {"stage": main.code, "dj_name": "DJ Other"}, follow=True)

    assert escape(LINEUP_REFUSAL) in response.content.decode()
    assert not DJSet.objects.exists()


def test_a_listed_dj_goes_live_from_the_dashboard(client, lineup_event, main, dj):
    LineupEntry.objects.create(event=lineup_event, email=dj.email)
    client.force_login(dj)

    client.post("/dj/go-live", {"stage": main.code, "dj_name": "DJ Nova"})

    assert DJSet.objects.get().stage == main


def test_quick_start_needs_no_permission(client, lineup_event, other_dj):
    client.force_login(other_dj)
    client.post("/dj/go-live", {"stage": "", "dj_name": "DJ Other"})

    assert DJSet.objects.get().stage is None


# --- The organizer's hands on the stages ----------------------------------------------

def test_the_organizer_ends_any_set_on_their_stages(client, event, main, organizer, dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", main)[0]
    client.force_login(organizer)

    response = client.post(f"/organize/{event.slug}/live/sets/{dj_set.code}/end", HTTP_HX_REQUEST="true")

    dj_set.refresh_from_db()
    assert dj_set.ended_at is not None
    assert response.status_code == 200
    assert "Waiting for the next DJ" in response.content.decode()


@pytest.mark.parametrize("who", ["other organizer", "the DJ themself", "anonymous"])
def test_nobody_else_ends_or_blocks_through_the_organizer_pages(client, event, main, other_organizer, dj, who):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", main)[0]
    if who == "other organizer":
        client.force_login(other_organizer)
    elif who == "the DJ themself":
        client.force_login(dj)

    end = client.post(f"/organize/{event.slug}/live/sets/{dj_set.code}/end")
    block = client.post(f"/organize/{event.slug}/live/sets/{dj_set.code}/block")

    assert (end.status_code, block.status_code) in [(404, 404), (302, 302), (403, 403)]
    if who == "anonymous":
        assert end["Location"].startswith("/accounts/login/")
    dj_set.refresh_from_db()
    assert dj_set.ended_at is None
    assert not BlockedDJ.objects.exists()


def test_a_set_on_someone_elses_event_is_not_found(client, weekend, organizer, dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", weekend.ballroom)[0]  # the other organizer's stage
    client.force_login(organizer)

    assert client.post(f"/organize/{weekend.event.slug}/live/sets/{dj_set.code}/end").status_code == 404
    dj_set.refresh_from_db()
    assert dj_set.ended_at is None


def test_blocking_ends_the_set_and_keeps_the_dj_off_every_stage(client, event, main, organizer, dj):
    blues = event.stages.get(name="Blues Room")
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", main)[0]
    client.force_login(organizer)

    client.post(f"/organize/{event.slug}/live/sets/{dj_set.code}/block")

    dj_set.refresh_from_db()
    assert dj_set.ended_at is not None
    assert list(BlockedDJ.objects.values_list("event", "user")) == [(event.pk, dj.pk)]
    LineupEntry.objects.create(event=event, email=dj.email)  # not even the lineup lets them back
    client.logout()
    assert go_live(client, dj, blues) == (403, {"error": {
        "code": "stage_not_allowed", "field": "stage",
        "message": "The organizer of Swing Fling has blocked you from its stages.",
    }})


def test_a_blocked_dj_still_plays_quick_start_and_other_events(client, weekend, organizer, dj):
    BlockedDJ.objects.create(event=weekend.event, user=dj)

    assert go_live(client, dj, weekend.ballroom)[0] == 201


def test_the_lineup_page_sets_the_policy_adds_and_removes(client, event, organizer):
    client.force_login(organizer)

    client.post(f"/organize/{event.slug}/lineup", {"dj_policy": "lineup", "email": " Newcomer@Example.com "})
    page = client.get(f"/organize/{event.slug}/lineup").content.decode()
    entry = LineupEntry.objects.get()
    client.post(f"/organize/{event.slug}/lineup/{entry.pk}/remove")

    event.refresh_from_db()
    assert event.dj_policy == "lineup"
    assert entry.email == "newcomer@example.com"
    assert "newcomer@example.com" in page
    assert not LineupEntry.objects.exists()


@pytest.mark.parametrize("who", ["other organizer", "dj", "anonymous"])
def test_only_the_organizer_reaches_the_lineup_page(client, event, other_organizer, dj, who):
    if who == "other organizer":
        client.force_login(other_organizer)
    elif who == "dj":
        client.force_login(dj)

    response = client.post(f"/organize/{event.slug}/lineup", {"dj_policy": "lineup", "email": "x@example.com"})

    assert response.status_code in (302, 403, 404)
    assert not LineupEntry.objects.exists()
    event.refresh_from_db()
    assert event.dj_policy == "verified"


def test_the_live_dashboard_offers_end_and_block(client, event, main, organizer, dj):
    dj_set = DJSet.objects.go_live(dj, "DJ Nova", main)[0]
    client.force_login(organizer)

    html = client.get(f"/organize/{event.slug}/live").content.decode()

    assert f'hx-post="/organize/{event.slug}/live/sets/{dj_set.code}/end"' in html
    assert f'hx-post="/organize/{event.slug}/live/sets/{dj_set.code}/block"' in html
