"""django-q2 tasks: thin, they take ids and call the models."""

from announcements.models import PushMessage
from stages.models import DJSet


def fan_out_push(message_id):
    message = PushMessage.objects.filter(pk=message_id).first()
    if message is not None:
        message.fan_out()


def deliver_push(message_id, device_ids, attempt=1):
    message = PushMessage.objects.filter(pk=message_id).first()
    if message is not None:
        message.deliver(device_ids, attempt)


def music_started(dj_set_id):
    dj_set = DJSet.objects.select_related("stage__event").filter(pk=dj_set_id).first()
    message = PushMessage.objects.music_started(dj_set) if dj_set else None
    if message is not None:
        message.fan_out()
