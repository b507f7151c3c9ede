"""Work a committed change starts, kept free of model imports so models can call it."""


def released(release_id):
    """A release was committed: open pages update now, people are told from the task cluster."""
    from django_q.tasks import async_task

    from events import live_timetable

    live_timetable.broadcast_timetable(release_id)
    async_task("events.tasks.notify_release", release_id)
