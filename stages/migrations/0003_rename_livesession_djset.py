import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The thing a DJ plays is a "set" (the dancers' word): LiveSession becomes DJSet.


def rename_task(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func="stages.tasks.end_idle_sessions").update(
        func="stages.tasks.end_idle_sets", name="End idle live sets"
    )


def unrename_task(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func="stages.tasks.end_idle_sets").update(
        func="stages.tasks.end_idle_sessions", name="End idle live sessions"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("stages", "0002_idle_session_schedule"),
        ("django_q", "0018_task_success_index"),
        ("announcements", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.RemoveConstraint(
            model_name='playedtrack',
            name='one_track_per_source_id',
        ),
        migrations.RemoveIndex(
            model_name='playedtrack',
            name='stages_play_session_414881_idx',
        ),
        migrations.RenameModel("LiveSession", "DJSet"),
        migrations.RenameField("playedtrack", "session", "dj_set"),
        migrations.RenameIndex(
            model_name='djset',
            new_name='stages_djse_stage_i_374f40_idx',
            old_name='stages_live_stage_i_f91915_idx',
        ),
        migrations.AlterField(
            model_name='djset',
            name='dj',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='dj_sets', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='djset',
            name='stage',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='dj_sets', to='stages.stage'),
        ),
        migrations.AddIndex(
            model_name='playedtrack',
            index=models.Index(fields=['dj_set', '-played_at'], name='stages_play_dj_set__5685e2_idx'),
        ),
        migrations.AddConstraint(
            model_name='playedtrack',
            constraint=models.UniqueConstraint(condition=models.Q(('source_id', ''), _negated=True), fields=('dj_set', 'source_id'), name='one_track_per_source_id'),
        ),
        migrations.RunPython(rename_task, unrename_task),
    ]
