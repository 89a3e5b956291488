import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Member
from network import passwords, provisioning
from okbnet_portal.errors import InvalidInput, error_messages


class Command(BaseCommand):
    help = (
        "Set a new connection (PPPoE) password for a member who lost the contract document. The password "
        "is read from standard input (one line); with --generate (or an empty input on a terminal) one is "
        "generated and printed once, alone on the last line. Only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("member_number")
        parser.add_argument("--generate", action="store_true", help="generate a password and print it once")

    def handle(self, member_number, generate, **options):
        member = Member.objects.filter(member_number=member_number.strip().upper()).first()
        if member is None:
            raise CommandError(f"No member has the number {member_number!r}.")
        if member.status == Member.Status.CANCELLED:
            raise CommandError("The member's contract is cancelled: there is no connection to set a password for.")
        password = ""
        if not generate and not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\r\n")
        generated = not password
        if generated:
            password = passwords.password_generate()
        try:
            provisioning.member_connection_password_set(member=member, password=password)
        except InvalidInput as exc:
            raise CommandError(" ".join(error_messages(exc))) from None
        self.stderr.write(
            f"New connection password set for {member.member_number} ({member.connection_username}); "
            "RADIUS is updated by the worker. Tell the member to enter it in their router."
        )
        if generated:
            self.stderr.write("Generated password (shown once, not stored):")
            self.stdout.write(password)
