from django.core.management.base import BaseCommand

from announcements import push


class Command(BaseCommand):
    help = "Generate a VAPID key pair for Web Push; put the private key in PIKA_VAPID_PRIVATE_KEY."

    def handle(self, *args, **options):
        from py_vapid import Vapid

        private_key = push.new_private_key()
        public_key = push.public_key_of(Vapid.from_raw(private_key.encode()))
        self.stdout.write(f"PIKA_VAPID_PRIVATE_KEY={private_key}\n")
        self.stdout.write(f"# public key (what browsers subscribe with): {public_key}\n")
        self.stderr.write(
            "Keep the private key secret and stable: changing it orphans every existing subscription."
        )
