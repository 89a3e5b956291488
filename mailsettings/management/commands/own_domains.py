"""Staff: the registry of own domains OKBNET hosts (DESIGN §7). Only these get gw.<domain>."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Member
from mailsettings import domains
from mailsettings.models import OwnDomain


class Command(BaseCommand):
    help = "Add, remove or list the own domains OKBNET hosts for its members."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register domains (optionally tied to a member)")
        add.add_argument("domains", nargs="+")
        add.add_argument("--member", nargs="+", default=[], help="member number(s), one per domain or one for all")
        remove = sub.add_parser("remove", help="remove domains from the registry")
        remove.add_argument("domains", nargs="+")
        listing = sub.add_parser("list", help="list the registry")
        listing.add_argument("--member", nargs="+", default=[], help="only these members' domains")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except domains.InvalidDomain as exc:
            raise CommandError(f"Not a domain OKBNET can host: {exc}") from None

    def _members(self, numbers: list[str]) -> list[Member]:
        found = {m.member_number: m for m in Member.objects.filter(member_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise CommandError(f"No such member: {', '.join(missing)}")
        return [found[n] for n in numbers]

    def _add(self, *, domains: list[str], member: list[str], **_options):
        from mailsettings.domains import own_domain_add

        members = self._members(member)
        if len(members) not in (0, 1, len(domains)):
            raise CommandError("Give one --member for all domains, or one per domain.")
        pairs = [
            (d, members[i] if len(members) > 1 else (members[0] if members else None)) for i, d in enumerate(domains)
        ]
        for domain, who in pairs:
            for obj in own_domain_add(domains=[domain], member=who):
                self.stdout.write(f"added {obj.domain}" + (f" ({who.member_number})" if who else ""))

    def _remove(self, *, domains: list[str], **_options):
        from mailsettings.domains import own_domain_remove

        count = own_domain_remove(domains=domains)
        self.stdout.write(f"removed {count}")

    def _list(self, *, member: list[str], **_options):
        rows = OwnDomain.objects.select_related("member").order_by("domain")
        if member:
            rows = rows.filter(member__in=self._members(member))
        for row in rows:
            self.stdout.write(f"{row.domain}\t{row.member.member_number if row.member else '-'}")
