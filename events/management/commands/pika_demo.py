import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, OrganizerApplication, User
from events.demo import seed_timetable
from events.models import Event
from stages.models import Stage

DEMO_SLUG = "demo-weekend"
DEMO_DJ = "dj@pika.local"
DEMO_ORGANIZER = "organizer@pika.local"
# The simulated DJ plays under an account of its own, so the demo DJ's dashboard is the
# one a real DJ sees first (Go Live, Event Mode) instead of someone else's live set.
SIMULATED_DJ = "nova@pika.local"
SIMULATED_DJ_NAME = "DJ Nova"
DEMO_PASSWORD = "pika-demo-password"
DEMO_TOKEN_NAME = "Demo token"
SIMULATED_TOKEN_NAME = "Simulated DJ (make run)"


@dataclass
class Demo:
    event: Event
    stages: list
    dj_token: str = ""
    simulated_dj_token: str = ""

    def welcome(self, url, every):
        lines = [
            "",
            f"  Pika! is running on {url}",
            "",
            f"  Demo event: {url}/e/{self.event.slug}",
            *(f"    {stage.name}: {url}/s/{stage.code}" for stage in self.stages),
            f"    Timetable: {url}/e/{self.event.slug}/timetable",
            f"  {SIMULATED_DJ_NAME} (simulated) plays a new track every {every:g} s on the {self.stages[0].name}.",
            "",
            f"  DJ dashboard: {url}/dj/   sign in as {DEMO_DJ} / {DEMO_PASSWORD}",
            f"  Organizer:    {url}/organize/   sign in as {DEMO_ORGANIZER} / {DEMO_PASSWORD}",
            f"  Logs: {settings.PIKA_VAR_DIR / 'worker.log'}, {settings.PIKA_VAR_DIR / 'simulated-dj.log'}",
            "",
            "  Stop with Ctrl-C.",
            "",
        ]
        return "\n".join(lines)


@transaction.atomic
def seed(dj_token=True, simulated_dj_token=False):
    """The demo weekend and its people (safe to run again); tokens are replaced, never piled up."""
    organizer = _user(DEMO_ORGANIZER, "Demo Organizer")
    if not organizer.is_organizer:
        OrganizerApplication.objects.create(
            user=organizer, name="Demo Organizer", community="Demo Swing Weekend",
            status=OrganizerApplication.Status.APPROVED, note="Seeded by pika_demo.", decided_at=timezone.now(),
        )
    dj = _user(DEMO_DJ, "DJ Demo")
    nova = _user(SIMULATED_DJ, SIMULATED_DJ_NAME)
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
    # A set the timetable adds to be on now is the simulated DJ's (who plays on the Main Floor).
    seed_timetable(event, nova)
    demo = Demo(event=event, stages=list(event.stages.all()))
    if dj_token:
        demo.dj_token = _replace_token(dj, DEMO_TOKEN_NAME)
    if simulated_dj_token:
        demo.simulated_dj_token = _replace_token(nova, SIMULATED_TOKEN_NAME)
    return demo


def _user(email, name):
    user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.mark_email_verified()  # demo accounts may go live on the demo stages
    return user


def _replace_token(user, name):
    user.api_tokens.filter(name=name).delete()
    return ApiToken.issue(user, name)[1]


class Command(BaseCommand):
    help = ("Seed a demo event with two stages, an organizer and DJs (safe to run again); "
            "with --serve, also run it: server, task worker and a simulated DJ.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true",
                            help='Print only {"event", "stages", "dj_token"} as JSON.')
        parser.add_argument("--serve", action="store_true",
                            help="Migrate, seed, then run the demo until Ctrl-C (what `make run` does).")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--every", type=float, default=30.0,
                            help="Seconds between the simulated DJ's tracks (with --serve).")

    def handle(self, *args, **options):
        if options["serve"]:
            return self._serve(options)
        demo = seed()
        if options["json"]:
            self.stdout.write(json.dumps({"event": demo.event.slug, "stages": [s.code for s in demo.stages],
                                          "dj_token": demo.dj_token}))
            return
        self.stdout.write(f"Demo event: /e/{demo.event.slug}")
        for stage in demo.stages:
            self.stdout.write(f"  {stage.name}: /s/{stage.code}")
        self.stdout.write(f"  Timetable: /e/{demo.event.slug}/timetable")
        self.stdout.write(f"DJ sign-in: {DEMO_DJ} / {DEMO_PASSWORD}")
        self.stdout.write(f"Organizer sign-in: {DEMO_ORGANIZER} / {DEMO_PASSWORD}")
        self.stdout.write(f"DJ API token: {demo.dj_token}")

    def _serve(self, options):
        # Only --serve needs the launcher (and the subprocess machinery it brings).
        from pika.launcher import CannotStart, serve

        call_command("migrate", interactive=False, verbosity=0)
        demo = seed(dj_token=False, simulated_dj_token=True)

        def say(text):
            self.stdout.write(text)
            self.stdout.flush()

        try:
            serve(demo, options["host"], options["port"], options["every"], say, settings.PIKA_VAR_DIR)
        except CannotStart as error:
            raise CommandError(str(error))
        say("  Pika! stopped.")
