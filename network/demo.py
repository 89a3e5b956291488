"""Demo pools: deliberately small (a /29 per line type: 6 addresses) so exhaustion can be tried."""

from django.db import transaction

from .fields import normalise_network
from .models import IpPool
from .services import pool_sync_addresses

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
    return [f"IP pools: {len(POOLS)} (fixed pools of 6 addresses each)"]
