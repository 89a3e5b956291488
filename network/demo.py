"""Demo pools: deliberately small (a /29 per line type: 6 addresses) so exhaustion can be tried."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from .fields import normalise_network
from .models import IpPool, RadiusSession, RefusedSource, SessionImport
from .services import pool_sync_addresses, refusal_tables_write

# (name, network, kind, line type) — documentation ranges (RFC 5737), never routed.
POOLS = [
    ("Fibre fixed 1", "192.0.2.0/29", "fixed", "fibre"),
    ("ADSL fixed 1", "192.0.2.8/29", "fixed", "adsl"),
    ("Cable fixed 1", "192.0.2.16/29", "fixed", "catv"),
    ("Fibre dynamic", "198.51.100.0/24", "dynamic", "fibre"),
    ("Mobile-carrier dynamic", "203.0.113.0/24", "dynamic", "adsl"),
]


@transaction.atomic
def seed() -> list[str]:
    for name, network, kind, line_type in POOLS:
        pool, _ = IpPool.objects.update_or_create(
            network=normalise_network(network), defaults={"name": name, "kind": kind, "line_type": line_type}
        )
        pool_sync_addresses(pool=pool)
    lines = [f"IP pools: {len(POOLS)} (fixed pools of 6 addresses each)"]
    return lines + seed_abuse_desk()


# A day of the demo member on a dynamic address, and a refusal list, so the abuse desk can be tried.
DEMO_SESSION = ("okb1000001", "198.51.100.23", datetime(2026, 11, 1, 9, tzinfo=ZoneInfo("Asia/Tokyo")))
REFUSED = [
    ("network", "198.18.0.0/15", "Demo: a spam botnet range"),
    ("domain", "spam.example", "Demo: phishing sender domain"),
]


def seed_abuse_desk() -> list[str]:
    from accounts.models import Member

    for kind, value, reason in REFUSED:
        RefusedSource.objects.get_or_create(kind=kind, value=value, defaults={"reason": reason})
    transaction.on_commit(refusal_tables_write)
    username, address, start = DEMO_SESSION
    member = Member.objects.filter(connection_username=username).first()
    if member is None:
        return []
    batch, _ = SessionImport.objects.get_or_create(filename="demo-radacct.csv", defaults={"rows": 1})
    RadiusSession.objects.update_or_create(
        username=username,
        address=address,
        started_at=start,
        defaults={"member": member, "stopped_at": start.replace(hour=18), "imported": batch},
    )
    return [f"Abuse desk: {address} at {start:%Y-%m-%d} 12:00 (Japan time) was held by {member.member_number}"]
