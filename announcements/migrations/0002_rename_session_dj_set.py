from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("announcements", "0001_initial"),
        ("stages", "0003_rename_livesession_djset"),
    ]
    operations = [
        migrations.RemoveConstraint(
            model_name='announcement',
            name='announcement_one_scope',
        ),
        migrations.RemoveConstraint(
            model_name='pushmessage',
            name='push_message_one_scope',
        ),
        migrations.RemoveConstraint(
            model_name='pushsubscription',
            name='push_subscription_one_scope',
        ),
        migrations.RemoveConstraint(
            model_name='pushsubscription',
            name='one_push_per_device_session',
        ),
        migrations.RemoveIndex(
            model_name='announcement',
            name='announcemen_session_37a0ec_idx',
        ),
        migrations.RenameField("announcement", "session", "dj_set"),
        migrations.RenameField("pushmessage", "session", "dj_set"),
        migrations.RenameField("pushsubscription", "session", "dj_set"),
        migrations.AddIndex(
            model_name='announcement',
            index=models.Index(fields=['dj_set', '-created_at'], name='announcemen_dj_set__c0af46_idx'),
        ),
        migrations.AddConstraint(
            model_name='announcement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('dj_set__isnull', True), ('event__isnull', False)), models.Q(('dj_set__isnull', False), ('event__isnull', True)), _connector='OR'), name='announcement_one_scope'),
        ),
        migrations.AddConstraint(
            model_name='pushmessage',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('dj_set__isnull', True), ('event__isnull', False), ('stage__isnull', True)), models.Q(('dj_set__isnull', True), ('event__isnull', True), ('stage__isnull', False)), models.Q(('dj_set__isnull', False), ('event__isnull', True), ('stage__isnull', True)), _connector='OR'), name='push_message_one_scope'),
        ),
        migrations.AddConstraint(
            model_name='pushsubscription',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('dj_set__isnull', True), ('stage__isnull', False)), models.Q(('dj_set__isnull', False), ('stage__isnull', True)), _connector='OR'), name='push_subscription_one_scope'),
        ),
        migrations.AddConstraint(
            model_name='pushsubscription',
            constraint=models.UniqueConstraint(condition=models.Q(('dj_set__isnull', False)), fields=('device', 'dj_set'), name='one_push_per_device_session'),
        ),
    ]
