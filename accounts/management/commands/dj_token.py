from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Manage DJ API tokens. `dj_token create <email>` prints a new token as its last word."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token (and the DJ account if needed).")
        create.add_argument("email")
        create.add_argument("--name", default="CLI token")

    def handle(self, *args, action, email, name, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}")
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email)
            # The operator vouches for the address: the DJ may play where a verified e-mail is asked.
            user.mark_email_verified()
            self.stdout.write(f"Created DJ account {email} (no password: use password reset to sign in).")
        _, secret = ApiToken.issue(user, name)
        self.stdout.write(f"API token for {email}: {secret}")
