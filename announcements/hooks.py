"""What other apps call when something happens that followers should hear about.

Kept free of model imports so `stages.models` can import it at load time.
"""


def music_started(dj_set_id):
    """A set just went live (called on commit by DJSet.objects.go_live): the
    stage's push subscribers hear "DJ X is now live on Main Floor", from the task cluster."""
    from django_q.tasks import async_task

    async_task("announcements.tasks.music_started", dj_set_id)
