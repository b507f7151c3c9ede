"""Running django-q2 tasks later."""

from datetime import timedelta

from django.utils import timezone


def later(delay_seconds, func, *args):
    """Run a task after a delay (a one-off django-q2 schedule).

    In sync mode (tests, PIKA_TASKS_SYNC) every task runs inline, so this one does too.
    """
    # django_q's modules import its models, which cannot load while the apps' models do.
    from django_q.conf import Conf
    from django_q.models import Schedule
    from django_q.tasks import async_task, schedule

    if Conf.SYNC:
        return async_task(func, *args)
    return schedule(
        func, *args, schedule_type=Schedule.ONCE,
        next_run=timezone.now() + timedelta(seconds=delay_seconds),
    )
