"""The organizer's event form, as a POST body."""


def event_form(name="Swing Fling", slug="", starts_on="2026-05-01", ends_on="2026-05-03",
               timezone="Europe/Paris", description="", stages=(), initial=0, token="", **extra):
    """The POST body of the event form, stage rows included (each a dict)."""
    data = {
        "name": name, "slug": slug, "description": description, "starts_on": starts_on,
        "ends_on": ends_on, "timezone": timezone,
        "stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(initial),
        "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "30",
    }
    for index, row in enumerate(stages):
        for field in ("id", "name", "description", "capacity"):
            data[f"stages-{index}-{field}"] = row.get(field, "")
        if row.get("DELETE"):
            data[f"stages-{index}-DELETE"] = "on"
    if token:
        data["submit_token"] = token
    data.update(extra)
    return data
