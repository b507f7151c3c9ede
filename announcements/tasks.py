"""django-q2 tasks: thin, they take ids and call the models."""

from datetime import timedelta

from django.utils import timezone

from announcements.models import PushMessage


def later(delay_seconds, func, *args):
    """Run a task after a delay (a one-off django-q2 schedule).

    In sync mode (tests, PIKA_TASKS_SYNC) every task runs inline, so this one does too.
    """
    from django_q.conf import Conf
    from django_q.models import Schedule
    from django_q.tasks import async_task, schedule

    if Conf.SYNC:
        return async_task(func, *args)
    return schedule(
        func, *args, schedule_type=Schedule.ONCE,
        next_run=timezone.now() + timedelta(seconds=delay_seconds),
    )


def fan_out_push(message_id):
    message = PushMessage.objects.filter(pk=message_id).first()
    if message is not None:
        message.fan_out()


def deliver_push(message_id, device_ids, attempt=1):
    message = PushMessage.objects.filter(pk=message_id).first()
    if message is not None:
        message.deliver(device_ids, attempt)


def music_started(dj_set_id):
    from stages.models import DJSet

    dj_set = DJSet.objects.select_related("stage__event").filter(pk=dj_set_id).first()
    message = PushMessage.objects.music_started(dj_set) if dj_set else None
    if message is not None:
        message.fan_out()
