"""Staff: probe every provider catalogue entry (DESIGN §7b) and report those that no longer match.

Exits with an error when an entry differs from what its server now offers, so a scheduled run
(cron, CI of the catalogue) notices. Connects like the worker's probe: resolve once, public
addresses only, no credentials, no mail.
"""

from django.core.management.base import BaseCommand, CommandError

from mailsettings import services


class Command(BaseCommand):
    help = "Probe every provider catalogue entry's outgoing server and report the ones that no longer match."

    def handle(self, *args, **options):
        rows = services.catalogue_check()
        width = max((len(r["name"]) for r in rows), default=4)
        for row in rows:
            line = f"{row['status']:9}  {row['name']:{width}}  {row['host']}  listed={row['listed']} probed={row['probed']}"
            if row["reason"]:
                line += f"  ({row['reason']})"
            self.stdout.write(line)
        counts = {status: sum(r["status"] == status for r in rows) for status in ("matches", "differs", "unchecked")}
        self.stdout.write(
            f"{len(rows)} entries: {counts['matches']} match, {counts['differs']} differ, {counts['unchecked']} unchecked"
        )
        if counts["differs"]:
            raise CommandError(
                "Entries differ from what their servers offer: "
                + ", ".join(r["name"] for r in rows if r["status"] == "differs")
            )
