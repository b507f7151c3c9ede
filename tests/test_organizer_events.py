"""Organizers create events with stages, preview, publish, unpublish and archive them."""

from datetime import datetime, timezone as dt_timezone

import pytest

from events.models import Event
from stages.models import DJSet, Stage
from tests.organizers import event_form
from tests.personas import make_event, make_organizer

# The organizer is signed in on `client`.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("organizer_client")]


def test_creating_an_event_with_stages_makes_a_draft_with_a_short_link(client, organizer):
    response = client.post("/organize/new", event_form(
        name="Swing Fling Lyon 2026", timezone="Europe/Paris", description="Three nights of WCS.",
        stages=[{"name": "Main Floor", "capacity": "400"}, {"name": "Blues Room", "description": "Upstairs"}, {}],
    ))
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == "/organize/swing-fling-lyon-2026/"
    assert (event.organizer, event.name, event.slug, event.status) == (organizer, "Swing Fling Lyon 2026", "swing-fling-lyon-2026", "draft")
    assert (str(event.starts_on), str(event.ends_on), event.timezone) == ("2026-05-01", "2026-05-03", "Europe/Paris")
    assert [(s.name, s.description, s.capacity, s.position) for s in event.stages.all()] == [
        ("Main Floor", "", 400, 0), ("Blues Room", "Upstairs", None, 1),
    ]
    assert all(len(stage.code) == 8 for stage in event.stages.all())
    assert event.get_absolute_url() == "/e/swing-fling-lyon-2026"


def test_a_chosen_short_link_is_used_lowercased(client, organizer):
    client.post("/organize/new", event_form(slug="Fling26"))
    assert Event.objects.get().slug == "fling26"


def test_a_taken_short_link_is_a_form_error(client, organizer):
    make_event(make_organizer("someone@example.com"), slug="fling")
    response = client.post("/organize/new", event_form(name="My Fling", slug="fling"))
    assert response.status_code == 400
    assert "That short link is taken" in response.content.decode()
    assert Event.objects.count() == 1


def test_a_short_link_with_spaces_or_a_reserved_word_is_refused(client, organizer):
    assert "Enter a valid “slug”" in client.post("/organize/new", event_form(slug="my fling")).content.decode()
    assert "reserved" in client.post("/organize/new", event_form(slug="new")).content.decode()
    assert Event.objects.count() == 0


def test_an_unknown_time_zone_is_an_error_that_keeps_what_was_typed(client, organizer):
    response = client.post("/organize/new", event_form(
        name="Fling ✨", timezone="Mars/Olympus_Mons", description="Keep me",
        stages=[{"name": "Main Floor", "description": "By the bar", "capacity": "250"}],
    ))
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Mars/Olympus_Mons” is not a time zone we know" in html
    assert 'value="Fling ✨"' in html and 'value="Mars/Olympus_Mons"' in html and "Keep me" in html
    assert 'value="Main Floor"' in html and 'value="By the bar"' in html and 'value="250"' in html
    assert 'value="2026-05-01"' in html and 'value="2026-05-03"' in html
    assert Event.objects.count() == 0 and Stage.objects.count() == 0


def test_a_time_zone_in_the_wrong_case_is_corrected(client, organizer):
    client.post("/organize/new", event_form(timezone="america/new_york"))
    assert Event.objects.get().timezone == "America/New_York"


def test_an_end_before_the_start_is_an_error_that_keeps_what_was_typed(client, organizer):
    response = client.post("/organize/new", event_form(name="Backwards", starts_on="2026-05-03", ends_on="2026-05-01"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "The last day is before the first day." in html
    assert 'value="Backwards"' in html and 'value="2026-05-03"' in html and 'value="2026-05-01"' in html
    assert Event.objects.count() == 0


def test_a_stage_without_a_name_is_an_error_that_keeps_what_was_typed(client, organizer):
    response = client.post("/organize/new", event_form(
        name="Fling", stages=[{"name": "Main Floor"}, {"name": "", "description": "Upstairs, no name yet", "capacity": "80"}],
    ))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert 'value="Upstairs, no name yet"' in html and 'value="80"' in html and 'value="Main Floor"' in html
    assert Event.objects.count() == 0


def test_two_stages_with_the_same_name_are_an_error(client, organizer):
    response = client.post("/organize/new", event_form(stages=[{"name": "Main Floor"}, {"name": "main floor"}]))
    assert response.status_code == 400
    assert "Another stage already has this name." in response.content.decode()


def test_a_capacity_of_zero_is_an_error(client, organizer):
    response = client.post("/organize/new", event_form(stages=[{"name": "Main Floor", "capacity": "0"}]))
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()


def test_a_10000_character_name_is_refused_and_kept(client, organizer):
    response = client.post("/organize/new", event_form(name="W" * 10000))
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 120 characters (it has 10000)" in html
    assert "W" * 10000 in html
    assert Event.objects.count() == 0


def test_an_emoji_only_name_gets_a_readable_link(client, organizer):
    client.post("/organize/new", event_form(name="💃🕺"))
    event = Event.objects.get()
    assert (event.name, event.slug) == ("💃🕺", "event")


def test_a_double_submitted_create_makes_one_event(client, organizer):
    body = event_form(name="Double Tap", stages=[{"name": "Main Floor"}], token="one-time-token")
    first = client.post("/organize/new", body)
    second = client.post("/organize/new", body)
    assert Event.objects.count() == 1 and Stage.objects.count() == 1
    assert first["Location"] == second["Location"] == "/organize/double-tap/"


def test_the_form_page_offers_the_time_zones_and_a_one_time_token(client, organizer):
    html = client.get("/organize/new").content.decode()
    assert '<option value="Europe/Paris">' in html and '<option value="America/Los_Angeles">' in html
    assert 'name="submit_token"' in html
    assert 'name="stages-TOTAL_FORMS" value="1"' in html


def test_htmx_adds_an_empty_stage_row_and_counts_it(client, organizer):
    response = client.get("/organize/stage-row?stages-TOTAL_FORMS=3", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="stages-3-name"' in html and 'name="stages-3-DELETE"' in html
    assert '<input type="hidden" name="stages-TOTAL_FORMS" value="4" id="id_stages-TOTAL_FORMS" hx-swap-oob="true">' in html


def test_the_added_row_survives_a_bad_count(client, organizer):
    html = client.get("/organize/stage-row?stages-TOTAL_FORMS=lots").content.decode()
    assert 'name="stages-0-name"' in html and 'value="1"' in html
    html = client.get("/organize/stage-row?stages-TOTAL_FORMS=999").content.decode()
    assert 'name="stages-29-name"' in html


def test_editing_renames_adds_and_removes_stages_and_keeps_their_codes(client, organizer):
    event = make_event(organizer, stages=("Main Floor", "Blues Room", "Lounge"))
    main, blues, lounge = event.stages.all()
    response = client.post(f"/organize/{event.slug}/", event_form(
        name="Swing Fling 2026", slug=event.slug, initial=3, token="edit-1",
        stages=[{"id": main.pk, "name": "Main Ballroom", "capacity": "500"},
                {"id": blues.pk, "name": "Blues Room"},
                {"id": lounge.pk, "name": "Lounge", "DELETE": True},
                {"name": "Late Night"}],
    ))
    assert response.status_code == 302 and response["Location"] == f"/organize/{event.slug}/"
    event.refresh_from_db()
    assert event.name == "Swing Fling 2026"
    assert [(s.name, s.code, s.capacity, s.position) for s in event.stages.all()][:2] == [
        ("Main Ballroom", main.code, 500, 0), ("Blues Room", blues.code, None, 1),
    ]
    assert [s.name for s in event.stages.all()] == ["Main Ballroom", "Blues Room", "Late Night"]
    assert not Stage.objects.filter(pk=lounge.pk).exists()


def test_clearing_an_existing_stage_name_is_an_error_and_changes_nothing(client, organizer):
    event = make_event(organizer, stages=("Main Floor",))
    main = event.stages.get()
    response = client.post(f"/organize/{event.slug}/", event_form(
        name="Renamed", slug=event.slug, initial=1, stages=[{"id": main.pk, "name": "  ", "description": "typed"}],
    ))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode() and 'value="typed"' in response.content.decode()
    event.refresh_from_db()
    main.refresh_from_db()
    assert (event.name, main.name) == ("Swing Fling", "Main Floor")


def test_a_failed_edit_keeps_the_page_links_on_the_saved_short_link(client, organizer):
    event = make_event(organizer)
    response = client.post(f"/organize/{event.slug}/", event_form(slug="new-link", ends_on="2026-01-01", starts_on="2026-02-01"))
    html = response.content.decode()
    assert f'action="/organize/{event.slug}/"' in html and 'value="new-link"' in html


def test_a_double_submitted_edit_adds_the_new_stage_once(client, organizer):
    event = make_event(organizer, stages=())
    body = event_form(slug=event.slug, stages=[{"name": "Main Floor"}], token="edit-twice")
    client.post(f"/organize/{event.slug}/", body)
    client.post(f"/organize/{event.slug}/", body)
    assert list(event.stages.values_list("name", flat=True)) == ["Main Floor"]


def test_changing_the_short_link_moves_the_event(client, organizer):
    event = make_event(organizer, stages=("Main Floor",))
    main = event.stages.get()
    response = client.post(f"/organize/{event.slug}/", event_form(
        slug="fling-26", initial=1, stages=[{"id": main.pk, "name": "Main Floor"}]))
    assert response["Location"] == "/organize/fling-26/"
    assert Event.objects.get().slug == "fling-26"


# Draft → preview → published; unpublish; archive.

def test_publishing_needs_a_stage(client, organizer):
    event = make_event(organizer, stages=())
    response = client.post(f"/organize/{event.slug}/publish", follow=True)
    assert "Add at least one stage before publishing" in response.content.decode()
    event.refresh_from_db()
    assert event.status == "draft"


def test_publish_unpublish_archive_and_restore(client, organizer):
    event = make_event(organizer)
    client.post(f"/organize/{event.slug}/publish")
    event.refresh_from_db()
    assert event.status == "published"
    html = client.get(f"/organize/{event.slug}/").content.decode()
    assert "Unpublish" in html and ">Publish<" not in html and "Open the event page" in html
    client.post(f"/organize/{event.slug}/unpublish")
    event.refresh_from_db()
    assert event.status == "draft"
    client.post(f"/organize/{event.slug}/archive")
    event.refresh_from_db()
    assert event.status == "archived"
    assert "Restore as draft" in client.get(f"/organize/{event.slug}/").content.decode()
    client.post(f"/organize/{event.slug}/unpublish")
    event.refresh_from_db()
    assert event.status == "draft"


def test_status_changes_only_by_post(client, organizer):
    event = make_event(organizer)
    assert client.get(f"/organize/{event.slug}/publish").status_code == 405
    event.refresh_from_db()
    assert event.status == "draft"


def test_a_draft_is_the_exact_public_page_marked_as_a_preview_for_its_organizer(client, organizer):
    event = make_event(organizer)
    stage = event.stages.first()
    html = client.get(f"/e/{event.slug}").content.decode()
    assert "Preview — only you can see this page until the event is published." in html
    assert "Main Floor" in html and "Blues Room" in html
    assert "ws-connect" not in html  # the public sockets open only once it is published
    stage_html = client.get(f"/s/{stage.code}").content.decode()
    assert "Preview — only you can see this page" in stage_html and "Waiting for the next DJ" in stage_html


def test_a_draft_is_not_found_for_everybody_else(client, organizer):
    event = make_event(organizer)
    stage = event.stages.first()
    client.logout()
    assert client.get(f"/e/{event.slug}").status_code == 404
    assert client.get(f"/s/{stage.code}").status_code == 404
    client.force_login(make_organizer("other@example.com"))
    assert client.get(f"/e/{event.slug}").status_code == 404
    assert client.get(f"/s/{stage.code}").status_code == 404


def test_a_published_event_is_public_without_the_preview_banner(client, organizer):
    event = make_event(organizer, status=Event.Status.PUBLISHED)
    client.logout()
    html = client.get(f"/e/{event.slug}").content.decode()
    assert "Preview" not in html and f'ws-connect="/ws/events/{event.slug}/?v=event.{event.pk}%3D' in html


def test_an_archived_event_is_hidden_and_marked_for_its_organizer(client, organizer):
    event = make_event(organizer, status=Event.Status.ARCHIVED)
    assert "Archived — only you can see this page." in client.get(f"/e/{event.slug}").content.decode()
    client.logout()
    assert client.get(f"/e/{event.slug}").status_code == 404


def test_the_event_list_shows_only_ones_own_events_in_a_fixed_number_of_queries(
        client, organizer, django_assert_num_queries):
    for n in range(5):
        make_event(organizer, name=f"Mine {n}", slug=f"mine-{n}")
    make_event(make_organizer("else@example.com"), name="Not mine", slug="not-mine")
    # set, user, organizer check, events with their stage counts
    with django_assert_num_queries(4):
        html = client.get("/organize/").content.decode()
    assert html.count('class="card event-item"') == 5
    assert "Not mine" not in html and "2 stages" in html


# Every time on every page in the event's time zone.

def test_times_show_in_the_events_time_zone(client, organizer, dj):
    event = make_event(organizer, status=Event.Status.PUBLISHED, timezone="Asia/Tokyo", stages=("Main Floor",))
    stage = event.stages.get()
    dj_set, _ = DJSet.objects.go_live(dj, "DJ Nova", stage)
    DJSet.objects.filter(pk=dj_set.pk).update(started_at=datetime(2026, 5, 1, 2, 50, tzinfo=dt_timezone.utc))
    dj_set.add_track(artist="Ella Henderson", title="Ghost", played_at=datetime(2026, 5, 1, 3, 5, tzinfo=dt_timezone.utc))
    dj_set.add_track(artist="Bruno Mars", title="Leave the Door Open",
                      played_at=datetime(2026, 5, 1, 3, 9, tzinfo=dt_timezone.utc))
    # 03:05 UTC is 12:05 in Tokyo.
    assert ">12:05</time>" in client.get(f"/s/{stage.code}").content.decode()
    assert ">12:05</time>" in client.get(f"/live/{dj_set.code}").content.decode()
    live_html = client.get(f"/organize/{event.slug}/live").content.decode()
    assert "live since <time" in live_html and ">11:50</time>" in live_html and ">12:09</time>" in live_html
    dj_set.end()
    client.force_login(dj)
    assert ">12:05</time>" in client.get(f"/dj/sets/{dj_set.code}").content.decode()
    assert "Fri 1 May, 11:50</a>" in client.get("/dj/").content.decode()


def test_the_edit_page_shows_the_stages_and_no_blank_row(client, organizer):
    event = make_event(organizer, stages=("Main Floor", "Blues Room"))
    html = client.get(f"/organize/{event.slug}/").content.decode()
    assert 'name="stages-TOTAL_FORMS" value="2"' in html
    assert 'value="Main Floor"' in html and 'value="Blues Room"' in html
    assert 'name="stages-2-name"' not in html
    assert '<button type="submit" name="add_stage" value="1"' in html


def test_a_new_event_starts_with_one_example_row(client, organizer):
    html = client.get("/organize/new").content.decode()
    assert 'name="stages-0-name"' in html and 'placeholder="e.g. Main Floor"' in html
    assert 'name="stages-1-name"' not in html


def test_add_a_stage_without_javascript_adds_a_row_and_saves_nothing(client, organizer):
    event = make_event(organizer, stages=("Main Floor",))
    main = event.stages.get()
    body = event_form(name="Renamed", slug=event.slug, initial=1, token="add-1",
                      stages=[{"id": main.pk, "name": "Main Ballroom"}], add_stage="1")
    response = client.post(f"/organize/{event.slug}/", body)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="stages-TOTAL_FORMS" value="2"' in html and 'name="stages-1-name"' in html
    assert 'value="Main Ballroom"' in html and 'value="Renamed"' in html  # what was typed stays
    assert "Please fix" not in html
    event.refresh_from_db()
    assert event.name == "Swing Fling" and [s.name for s in event.stages.all()] == ["Main Floor"]
