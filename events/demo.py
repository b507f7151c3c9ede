"""The demo weekend's timetable (called by `manage.py pika_demo`)."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from events.models import NothingToPublish, Release, Slot

EVENING = [("20:00", "Warm-up social"), ("21:30", ""), ("23:00", "Late night"), ("00:30", "Late night blues")]
DJ_NAMES = ["DJ Aurora", "DJ Brightside", "DJ Calypso", "DJ Delta", "DJ Ember", "DJ Fable"]


def seed_timetable(event, dj):
    """Slots in every room over the demo's nights, the demo DJ on the Main Floor right now,
    published. Run again, it only makes sure a slot is on now (a demo seeded yesterday)."""
    tz, moment = event.tzinfo, timezone.now()
    stages = list(event.stages.all())
    if not stages:
        return None
    if not event.slots.exists():
        names = iter(DJ_NAMES * 20)
        day = event.starts_on
        while day <= event.ends_on:
            for position, stage in enumerate(stages):
                for index, (hhmm, title) in enumerate(EVENING):
                    hour, minute = map(int, hhmm.split(":"))
                    start = datetime.combine(day + timedelta(days=1 if hour < 6 else 0), time(hour, minute), tzinfo=tz)
                    Slot.objects.create(
                        event=event, stage=stage, starts_at=start, ends_at=start + timedelta(minutes=90),
                        dj_name=next(names), title=title if position == index % len(stages) else "",
                    )
            day += timedelta(days=1)
    main = stages[0]
    # The demo DJ's own set: in the evening the seeded slots are on now too (the simulated
    # DJ plays on the Main Floor, so its slot there is the demo DJ's).
    on_now = event.slots.in_draft().filter(stage=main, dj=dj, starts_at__lte=moment, ends_at__gt=moment)
    if not on_now.exists():
        local = moment.astimezone(tz)
        start = local.replace(minute=0 if local.minute < 30 else 30, second=0, microsecond=0)
        end = start + timedelta(hours=2)
        # Clear the way on the Main Floor so the demo shows no overlap warnings.
        event.slots.in_draft().filter(stage=main).filter(Q(starts_at__lt=end) & Q(ends_at__gt=start)).update(
            removed_at=moment
        )
        Slot.objects.create(event=event, stage=main, starts_at=start, ends_at=end, dj=dj, dj_name=dj.public_name,
                            title="Demo set")
    try:
        return Release.objects.publish(event, comment="Demo timetable", notify=False)
    except NothingToPublish:
        return Release.objects.latest_for(event)
