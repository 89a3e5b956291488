from django.core.management.base import BaseCommand

from network import provisioning


class Command(BaseCommand):
    help = (
        "Compare FreeRADIUS's tables with the portal's state and rewrite every user name or group whose "
        "rows drifted. Prints what it fixed; the last number is the total."
    )

    def handle(self, **options):
        report = provisioning.radius_reconcile()
        self.stdout.write(
            f"user names rewritten: {report.users}, groups rewritten: {report.groups}, total: {report.total}"
        )
