from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ClientAPIKey

SCOPES = [choice for choice, _label in ClientAPIKey.Scope.choices]


class Command(BaseCommand):
    help = (
        "Create an API key for a client (e.g. the call-center tool). The key is printed once, alone on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("client_name")
        parser.add_argument("--scopes", default="read,write", help="comma list of: " + ", ".join(SCOPES))
        parser.add_argument(
            "--expires-days", type=int, default=None, help="days until the key expires (default: never)"
        )

    def handle(self, client_name, scopes, expires_days, **options):
        chosen = [s.strip() for s in scopes.split(",") if s.strip()]
        unknown = sorted(set(chosen) - set(SCOPES))
        if unknown or not chosen:
            raise CommandError(f"Unknown or empty scopes: {unknown}; choose from {SCOPES}")
        expiry = timezone.now() + timedelta(days=expires_days) if expires_days else None
        key_obj, key = ClientAPIKey.objects.create_key(name=client_name, scopes=chosen, expiry_date=expiry)
        self.stderr.write(
            f"Created API key {key_obj.prefix} for {client_name!r} with scopes {chosen}. Store it now: it is not shown again."
        )
        self.stdout.write(key)
