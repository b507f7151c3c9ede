from django.db import migrations


def schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name="End idle live sessions",
        defaults={"func": "stages.tasks.end_idle_sessions", "schedule_type": "I", "minutes": 10,
                  "repeats": -1},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="End idle live sessions").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stages", "0001_initial"),
        ("django_q", "0018_task_success_index"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
