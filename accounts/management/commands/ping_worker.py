import time

from django.core.management.base import BaseCommand, CommandError

from okbnet_portal.celery import ping


class Command(BaseCommand):
    help = "Send the health task through the broker and wait for a worker's answer."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=15.0)

    def handle(self, *args, timeout, **options):
        started = time.monotonic()
        try:
            answer = ping.delay().get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"No worker answered within {timeout:.0f} s ({exc.__class__.__name__}).") from exc
        self.stdout.write(f"worker answered {answer!r} in {(time.monotonic() - started) * 1000:.0f} ms")
