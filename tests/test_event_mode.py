"""Event Mode: a DJ links a set to a stage, by the token API or the dashboard's second tab."""

from datetime import date, timedelta

import pytest

from events.models import Event
from stages.models import DJSet
from tests.personas import make_event


@pytest.fixture
def main_floor(event):
    return event.stages.get(name="Main Floor")


# The token API.

def test_going_live_on_a_stage_links_the_set_to_it(api, dj, main_floor):
    response = api.post("/sessions", {"dj_name": "DJ Nova", "stage": main_floor.code})
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == {
        "code": main_floor.code, "name": "Main Floor", "url": f"http://testserver/s/{main_floor.code}",
        "event": {"slug": "swing-fling", "name": "Swing Fling"},
    }
    dj_set = DJSet.objects.get()
    assert dj_set.stage == main_floor and main_floor.current_set() == dj_set


def test_the_stage_code_may_come_with_spaces(api, main_floor):
    assert api.post("/sessions", {"stage": f"  {main_floor.code} "}).json()["stage"]["code"] == main_floor.code


def test_an_unknown_stage_code_is_404_and_starts_nothing(api, event):
    response = api.post("/sessions", {"stage": "zzzzzzzz"})
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "stage_not_found", "message": "No stage has that code.", "field": "stage"}}
    assert DJSet.objects.count() == 0


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.ARCHIVED])
def test_a_stage_of_a_draft_or_archived_event_cannot_be_linked(api, organizer, status):
    stage = make_event(organizer, slug=f"fling-{status}", status=status).stages.first()
    response = api.post("/sessions", {"stage": stage.code})
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "stage_unavailable", "message": "That stage's event is not published.", "field": "stage",
    }
    assert DJSet.objects.count() == 0


def test_a_stage_code_over_16_characters_is_400(api, event):
    response = api.post("/sessions", {"stage": "x" * 17})
    assert response.status_code == 400 and response.json()["error"]["field"] == "stage"


def test_a_stage_that_is_not_a_string_is_400(api, event):
    response = api.post("/sessions", {"stage": {"code": "x"}})
    assert response.status_code == 400 and response.json()["error"]["field"] == "stage"


def test_the_stage_list_has_only_published_events(api, organizer, event, dj_token):
    make_event(organizer, name="Draft", slug="draft-fling", stages=("Hidden Room",))
    make_event(organizer, name="Old", slug="old-fling", status=Event.Status.ARCHIVED, stages=("Gone Room",))
    body = api.get("/stages", token=dj_token).json()
    assert [(s["event"]["slug"], s["name"]) for s in body["stages"]] == [
        ("swing-fling", "Main Floor"), ("swing-fling", "Blues Room"),
    ]
    assert api.get("/stages?event=draft-fling", token=dj_token).json() == {"stages": []}
    assert len(api.get("/stages?event=swing-fling", token=dj_token).json()["stages"]) == 2


def test_the_stage_list_needs_a_token(api, event):
    assert api.get("/stages").status_code == 401


def test_now_playing_follows_the_stage_across_djs(api, client, main_floor, other_dj):
    first = api.post("/sessions", {"dj_name": "DJ Nova", "stage": main_floor.code}).json()
    api.post(f"/sessions/{first['id']}/tracks", {"artist": "Ella Henderson", "title": "Ghost"})
    now = client.get(f"/api/v1/stages/{main_floor.code}/now-playing").json()
    assert now["session"]["dj_name"] == "DJ Nova" and now["now_playing"]["title"] == "Ghost"
    DJSet.objects.go_live(other_dj, "DJ Other", main_floor)
    now = client.get(f"/api/v1/stages/{main_floor.code}/now-playing").json()
    assert now["session"]["dj_name"] == "DJ Other" and now["now_playing"] is None and now["recent"] == []
    DJSet.objects.get(dj_name="DJ Other").end()
    now = client.get(f"/api/v1/stages/{main_floor.code}/now-playing").json()
    assert now["session"] is None and now["now_playing"] is None and now["listeners"] == 0


def test_now_playing_of_a_draft_stage_is_404(client, organizer):
    stage = make_event(organizer, slug="drafty").stages.first()
    response = client.get(f"/api/v1/stages/{stage.code}/now-playing")
    assert response.status_code == 404 and response.json()["error"]["code"] == "stage_not_found"


# The dashboard's Go Live tabs.

@pytest.fixture
def dj_client(client, dj):
    client.force_login(dj)
    return client


def test_quick_start_stays_the_default_tab(dj_client, event):
    html = dj_client.get("/dj/").content.decode()
    assert 'class="tab is-active" href="/dj/" aria-current="page">Quick Start</a>' in html
    assert 'href="/dj/?mode=event">Event Mode</a>' in html
    assert 'id="event-mode"' not in html and 'name="dj_name"' in html


def test_event_mode_lists_published_current_events_only(dj_client, organizer, event):
    make_event(organizer, name="Draft Weekend", slug="draft-weekend")
    long_ago = date.today() - timedelta(days=30)
    make_event(organizer, name="Last Month", slug="last-month", status=Event.Status.PUBLISHED,
               starts_on=long_ago, ends_on=long_ago)
    html = dj_client.get("/dj/?mode=event").content.decode()
    assert 'class="tab is-active" href="/dj/?mode=event" aria-current="page">Event Mode</a>' in html
    assert "Swing Fling" in html and "Draft Weekend" not in html and "Last Month" not in html


def test_event_mode_shows_the_stages_and_who_is_live_there(dj_client, organizer, event, main_floor, other_dj):
    make_event(organizer, name="Second Weekend", slug="second", status=Event.Status.PUBLISHED, stages=("Hall",))
    DJSet.objects.go_live(other_dj, "DJ Other", main_floor)
    html = dj_client.get("/dj/?mode=event").content.decode()
    assert 'name="stage"' not in html  # two events: pick one first
    html = dj_client.get("/dj/?mode=event&event=swing-fling").content.decode()
    assert f'value="{main_floor.code}"' in html
    assert '<span class="stage-choice-now muted">DJ Other is live; your set takes over</span>' in html
    assert '<span class="stage-choice-now muted">Nobody live</span>' in html
    # The picker shows names only (fits a phone); the chosen event's dates follow below it.
    assert '<option value="swing-fling" selected>Swing Fling</option>' in html


def test_picking_an_event_with_htmx_returns_only_the_event_mode_panel(dj_client, event, main_floor):
    response = dj_client.get("/dj/?mode=event&event=swing-fling", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="event-mode"')
    assert f'value="{main_floor.code}"' in html and "<html" not in html


def test_going_live_on_a_stage_from_the_dashboard(dj_client, dj, main_floor):
    response = dj_client.post("/dj/go-live", {"dj_name": "Nova", "stage": main_floor.code, "submit_token": "s1"},
                              follow=True)
    dj_set = DJSet.objects.get()
    assert (dj_set.dj, dj_set.stage, dj_set.dj_name) == (dj, main_floor, "Nova")
    html = response.content.decode()
    assert "You&#x27;re live on Main Floor!" in html
    assert "Everyone who scanned Main Floor's QR code at Swing Fling sees your tracks" in html


def test_a_double_submitted_event_mode_go_live_creates_one_set(dj_client, main_floor):
    for _ in range(2):
        dj_client.post("/dj/go-live", {"stage": main_floor.code, "submit_token": "same"})
    assert DJSet.objects.count() == 1


@pytest.mark.parametrize("code, message", [
    ("zzzzzzzz", "No stage has that code."),
    ("x" * 40, "Ensure this value has at most 16 characters"),
])
def test_a_bad_stage_from_the_dashboard_starts_nothing_and_says_why(dj_client, event, code, message):
    response = dj_client.post("/dj/go-live", {"stage": code, "submit_token": "bad"}, follow=True)
    assert response.redirect_chain == [("/dj/?mode=event", 302)]
    assert message in response.content.decode()
    assert DJSet.objects.count() == 0


def test_a_draft_stage_from_the_dashboard_starts_nothing(dj_client, organizer):
    stage = make_event(organizer, slug="drafty").stages.first()
    response = dj_client.post("/dj/go-live", {"stage": stage.code, "submit_token": "d"}, follow=True)
    assert "That stage&#x27;s event is not published" in response.content.decode()
    assert DJSet.objects.count() == 0


def test_the_dashboard_says_when_a_newer_set_took_the_stage(dj_client, dj, other_dj, main_floor):
    DJSet.objects.go_live(dj, "Nova", main_floor)
    DJSet.objects.go_live(other_dj, "DJ Other", main_floor)
    html = dj_client.get("/dj/").content.decode()
    assert "A newer set now shows on Main Floor. Your own link below still works." in html
