import json
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, OrganizerApplication, User
from events.demo import seed_timetable
from events.models import Event
from stages.models import Stage

DEMO_SLUG = "demo-weekend"
DEMO_DJ = "dj@pika.local"
DEMO_ORGANIZER = "organizer@pika.local"
DEMO_PASSWORD = "pika-demo-password"


class Command(BaseCommand):
    help = "Seed a demo event with two stages, an organizer and a DJ (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true",
                            help='Print only {"event", "stages", "dj_token"} as JSON.')

    @transaction.atomic
    def handle(self, *args, **options):
        organizer = self._user(DEMO_ORGANIZER, "Demo Organizer")
        if not organizer.is_organizer:
            OrganizerApplication.objects.create(
                user=organizer, name="Demo Organizer", community="Demo Swing Weekend",
                status=OrganizerApplication.Status.APPROVED, note="Seeded by pika_demo.", decided_at=timezone.now(),
            )
        dj = self._user(DEMO_DJ, "DJ Demo")
        today = timezone.localdate()
        event, _ = Event.objects.get_or_create(
            slug=DEMO_SLUG,
            defaults={
                "organizer": organizer,
                "name": "Demo Swing Weekend",
                "description": "A demo West Coast Swing weekend with two rooms.",
                "starts_on": today,
                "ends_on": today + timedelta(days=2),
                "timezone": "Europe/Paris",
                "status": Event.Status.PUBLISHED,
            },
        )
        for position, name in enumerate(["Main Floor", "Blues Room"]):
            Stage.objects.get_or_create(event=event, name=name, defaults={"position": position})
        seed_timetable(event, dj)
        _, token = ApiToken.issue(dj, "Demo token")
        stages = list(event.stages.values_list("code", flat=True))
        if options["json"]:
            self.stdout.write(json.dumps({"event": event.slug, "stages": stages, "dj_token": token}))
            return
        self.stdout.write(f"Demo event: /e/{event.slug}")
        for stage in event.stages.all():
            self.stdout.write(f"  {stage.name}: /s/{stage.code}")
        self.stdout.write(f"  Timetable: /e/{event.slug}/timetable")
        self.stdout.write(f"DJ sign-in: {DEMO_DJ} / {DEMO_PASSWORD}")
        self.stdout.write(f"Organizer sign-in: {DEMO_ORGANIZER} / {DEMO_PASSWORD}")
        self.stdout.write(f"DJ API token: {token}")

    def _user(self, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user
