"""Releases: the diff against the previous one across three versions, identity, sequence."""

from datetime import date, datetime, timedelta

import pytest

from events.models import NothingToPublish, Release, ReleasedSlot, Slot
from tests.timetable_helpers import add_slot, at

FRIDAY = date(2026, 5, 1)

pytestmark = [pytest.mark.django_db, pytest.mark.event(weekend_of=FRIDAY)]


def stages(event):
    return list(event.stages.all())


def test_three_releases_record_new_moved_dj_changed_and_cancelled(event, dj, other_dj):
    main, blues = stages(event)
    opener = add_slot(event, main, at(event, FRIDAY, "21:00"), dj=dj, title="Opening")
    late = add_slot(event, blues, at(event, FRIDAY, "23:00"), dj_name="Free Text DJ")
    first = Release.objects.publish(event, comment="First")
    assert first.number == 1
    assert [entry["slot"] for entry in first.changes["new"]] == [opener.pk, late.pk]
    assert first.changes["moved"] == first.changes["cancelled"] == first.changes["dj_changed"] == []

    # Version 2: the opener moves to the Blues Room an hour later; the late slot changes DJ.
    opener.stage, opener.starts_at, opener.ends_at = blues, at(event, FRIDAY, "22:00"), at(event, FRIDAY, "23:00")
    opener.save()
    late.dj, late.dj_name = other_dj, other_dj.public_name
    late.save()
    extra = add_slot(event, main, at(event, FRIDAY + timedelta(days=1), "21:00"), dj_name="Saturday DJ")
    second = Release.objects.publish(event)
    assert second.number == 2
    (moved,) = second.changes["moved"]
    assert (moved["slot"], moved["old"]["stage"], moved["new"]["stage"]) == (opener.pk, "Main Floor", "Blues Room")
    assert datetime.fromisoformat(moved["old"]["starts_at"]) == at(event, FRIDAY, "21:00")
    assert datetime.fromisoformat(moved["new"]["starts_at"]) == at(event, FRIDAY, "22:00")
    (changed,) = second.changes["dj_changed"]
    assert (changed["slot"], changed["old_dj_name"], changed["dj_name"]) == (late.pk, "Free Text DJ", "DJ Other")
    assert [entry["slot"] for entry in second.changes["new"]] == [extra.pk]
    assert second.changes["cancelled"] == []

    # Version 3: the Saturday slot is deleted from the draft.
    Slot.objects.filter(pk=extra.pk).update(removed_at=at(event, FRIDAY, "12:00"))
    third = Release.objects.publish(event, comment="Saturday opener cancelled")
    assert [entry["slot"] for entry in third.changes["cancelled"]] == [extra.pk]
    assert third.changes["new"] == third.changes["moved"] == third.changes["dj_changed"] == []

    # Only the latest release is current; the earlier ones are untouched.
    assert list(Release.objects.filter(event=event, is_latest=True).values_list("number", flat=True)) == [3]
    assert ReleasedSlot.objects.filter(release=first).count() == 2
    rows = {row.slot_id: row for row in ReleasedSlot.objects.current().filter(release__event=event)}
    assert rows[extra.pk].cancelled is True
    assert (rows[opener.pk].sequence, rows[late.pk].sequence, rows[extra.pk].sequence) == (1, 0, 1)
    assert ReleasedSlot.objects.filter(release=first, slot=opener).get().stage_name == "Main Floor"


def test_publishing_without_changes_is_refused(event):
    main, _ = stages(event)
    with pytest.raises(NothingToPublish):
        Release.objects.publish(event)
    add_slot(event, main, at(event, FRIDAY, "21:00"))
    Release.objects.publish(event)
    with pytest.raises(NothingToPublish):
        Release.objects.publish(event)
    assert Release.objects.filter(event=event).count() == 1


def test_a_retitle_is_a_change_but_keeps_the_sequence(event):
    main, _ = stages(event)
    slot = add_slot(event, main, at(event, FRIDAY, "21:00"), title="Warm-up")
    Release.objects.publish(event)
    Slot.objects.filter(pk=slot.pk).update(title="Warm-up with lesson music")
    second = Release.objects.publish(event)
    assert [entry["old_title"] for entry in second.changes["retitled"]] == ["Warm-up"]
    row = ReleasedSlot.objects.current().get(slot=slot)
    assert (row.sequence, row.changed_at) == (0, second.published_at)


def test_a_cancelled_slot_is_kept_two_weeks_then_dropped(event):
    main, _ = stages(event)
    gone = add_slot(event, main, at(event, FRIDAY, "21:00"))
    stays = add_slot(event, main, at(event, FRIDAY, "23:00"))
    Release.objects.publish(event)
    Slot.objects.filter(pk=gone.pk).update(removed_at=at(event, FRIDAY, "12:00"))
    cancelled_in = Release.objects.publish(event)
    ReleasedSlot.objects.filter(release=cancelled_in, slot=gone).update(
        changed_at=cancelled_in.published_at - timedelta(days=15)
    )
    Slot.objects.filter(pk=stays.pk).update(title="Still on")
    later = Release.objects.publish(event)
    assert list(later.rows.values_list("slot_id", flat=True)) == [stays.pk]
