"""The timetable's rules: what changed between releases, what looks wrong, who to tell.

Rows are anything with slot_id, stage_id, stage name, starts_at, ends_at, dj_id, dj_name
and title: draft `Slot`s and released `ReleasedSlot`s compare alike.
"""

from datetime import datetime, time, timedelta, timezone

# A night runs past midnight: a slot starting before this hour belongs to the night before.
NIGHT_ENDS_AT = time(6, 0)


def stage_name(row):
    return row.stage_name if hasattr(row, "stage_name") else row.stage.name


def night_of(moment, tz):
    """The day a dancer would say a slot is on (Saturday's 1 a.m. slot is Friday night)."""
    local = moment.astimezone(tz)
    day = local.date()
    return day - timedelta(days=1) if local.time() < NIGHT_ENDS_AT else day


def night_bounds(day, tz):
    """[start, end) of a night in aware datetimes."""
    start = datetime.combine(day, NIGHT_ENDS_AT, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), NIGHT_ENDS_AT, tzinfo=tz)
    return start, end


def _iso(moment):
    return moment.astimezone(timezone.utc).isoformat()


def _entry(row):
    return {
        "slot": row.slot_id, "title": row.title, "dj": row.dj_id, "dj_name": row.dj_name,
        "stage": stage_name(row), "starts_at": _iso(row.starts_at), "ends_at": _iso(row.ends_at),
    }


def _place(row):
    return {"stage": stage_name(row), "stage_id": row.stage_id,
            "starts_at": _iso(row.starts_at), "ends_at": _iso(row.ends_at)}


def is_moved(old, new):
    return (old.stage_id, old.starts_at, old.ends_at) != (new.stage_id, new.starts_at, new.ends_at)


def is_dj_changed(old, new):
    return (old.dj_id, old.dj_name) != (new.dj_id, new.dj_name)


def diff(old_rows, new_rows):
    """What a release changes: new, cancelled, moved (old → new time and stage), DJ changed.

    `old_rows` are the previous release's showing rows, `new_rows` the draft's slots. A
    retitled slot is listed under "retitled" so the change is not lost, but notifies nobody.
    """
    old = {row.slot_id: row for row in old_rows}
    new = {row.slot_id: row for row in new_rows}
    changes = {"new": [], "cancelled": [], "moved": [], "dj_changed": [], "retitled": []}
    for slot_id, row in new.items():
        before = old.get(slot_id)
        if before is None:
            changes["new"].append(_entry(row))
            continue
        if is_moved(before, row):
            changes["moved"].append({**_entry(row), "old": _place(before), "new": _place(row)})
        if is_dj_changed(before, row):
            changes["dj_changed"].append({**_entry(row), "old_dj": before.dj_id, "old_dj_name": before.dj_name})
        if before.title != row.title:
            changes["retitled"].append({**_entry(row), "old_title": before.title})
    for slot_id, row in old.items():
        if slot_id not in new:
            changes["cancelled"].append(_entry(row))
    for entries in changes.values():
        entries.sort(key=lambda entry: (entry["starts_at"], entry["slot"]))
    return changes


def is_empty(changes):
    return not any(changes.values())


def count(changes):
    return sum(len(entries) for entries in changes.values())


def warnings(event, rows):
    """What looks wrong in a timetable: overlaps on a stage, a DJ in two places, slots
    outside the event's dates. Warnings, not errors: the organizer may mean it."""
    tz = event.tzinfo
    found = []
    ordered = sorted(rows, key=lambda row: (row.starts_at, row.slot_id))
    first, _ = night_bounds(event.starts_on, tz)
    _, last = night_bounds(event.ends_on, tz)
    for row in ordered:
        if row.starts_at < first or row.ends_at > last:
            found.append(f"{_describe(row, tz)} is outside the event's dates "
                         f"({event.starts_on:%a %-d %b} – {event.ends_on:%a %-d %b}).")
    for index, row in enumerate(ordered):
        for other in ordered[index + 1:]:
            if other.starts_at >= row.ends_at:
                break
            if other.stage_id == row.stage_id:
                found.append(f"{_describe(row, tz)} and {_describe(other, tz)} overlap on {stage_name(row)}.")
            elif _same_dj(row, other):
                found.append(f"{row.dj_name} is booked on {stage_name(row)} and {stage_name(other)} at once "
                             f"({_when(row, tz)} and {_when(other, tz)}).")
    return found


def _same_dj(a, b):
    if a.dj_id or b.dj_id:
        return a.dj_id == b.dj_id
    return a.dj_name.strip().casefold() == b.dj_name.strip().casefold()


def _when(row, tz):
    return f"{row.starts_at.astimezone(tz):%a %H:%M}–{row.ends_at.astimezone(tz):%H:%M}"


def _describe(row, tz):
    return f"{row.title or row.dj_name} ({_when(row, tz)})"


def now_and_next(rows, moment):
    """Per stage id: (the slot on now or None, the next one or None). Rows in start order."""
    result = {}
    for row in rows:
        current, upcoming = result.get(row.stage_id, (None, None))
        if row.starts_at <= moment < row.ends_at and current is None:
            current = row
        elif row.starts_at > moment and upcoming is None:
            upcoming = row
        result[row.stage_id] = (current, upcoming)
    return result


def _at(entry, tz):
    start = datetime.fromisoformat(entry["starts_at"])
    return f"{start.astimezone(tz):%a %H:%M}"


def _name(entry):
    return entry["title"] or entry["dj_name"]


def changes_by_dj(changes):
    """DJ account id -> [(kind, entry)]: the slots of theirs that are new, moved or cancelled.

    A slot handed to another DJ is new for the one who gets it, cancelled for the one who lost it.
    """
    result = {}

    def add(dj_id, kind, entry):
        if dj_id:
            result.setdefault(dj_id, []).append((kind, entry))

    for entry in changes.get("new", []):
        add(entry["dj"], "new", entry)
    for entry in changes.get("moved", []):
        add(entry["dj"], "moved", entry)
    for entry in changes.get("cancelled", []):
        add(entry["dj"], "cancelled", entry)
    for entry in changes.get("dj_changed", []):
        add(entry["dj"], "new", entry)
        add(entry["old_dj"], "cancelled", entry)
    return result


def changes_by_slot(changes):
    """Slot id -> (kind, entry) for the changes a dancer who starred the slot hears of."""
    result = {}
    for kind in ("cancelled", "dj_changed", "moved"):
        for entry in changes.get(kind, []):
            result[entry["slot"]] = (kind, entry)
    return result


def dj_lines(lines, tz):
    text = []
    for kind, entry in lines:
        if kind == "new":
            text.append(f"New: {_at(entry, tz)}–{datetime.fromisoformat(entry['ends_at']).astimezone(tz):%H:%M} "
                        f"on {entry['stage']}" + (f" ({entry['title']})" if entry["title"] else ""))
        elif kind == "moved":
            text.append(f"Moved: {_name(entry)} from {_at(entry['old'], tz)} on {entry['old']['stage']} "
                        f"to {_at(entry['new'], tz)} on {entry['new']['stage']}")
        else:
            text.append(f"Cancelled: {_at(entry, tz)} on {entry['stage']}"
                        + (f" ({entry['title']})" if entry["title"] else ""))
    return text


def dancer_line(kind_entry, tz):
    kind, entry = kind_entry
    if kind == "cancelled":
        return f"{_name(entry)} ({_at(entry, tz)}) is cancelled"
    if kind == "dj_changed":
        return f"{entry['title'] or _at(entry, tz)} is now played by {entry['dj_name']} (was {entry['old_dj_name']})"
    return f"{_name(entry)} moved to {_at(entry['new'], tz)} on {entry['new']['stage']}"


def concerned(changes):
    """(DJ account ids, slot ids whose starring dancers are told) for the preview's counts."""
    return set(changes_by_dj(changes)), set(changes_by_slot(changes))
