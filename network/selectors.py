"""Reads of the network app that cross relations."""

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from accounts.models import Member

from .models import IpPool, RadiusSession


def pool_usage() -> list[IpPool]:
    """Fixed pools with their size and how many addresses are free (one query)."""
    return list(
        IpPool.objects.filter(kind=IpPool.Kind.FIXED).annotate(
            size=Count("addresses"), free=Count("addresses", filter=Q(addresses__member__isnull=True))
        )
    )


def dynamic_ranges() -> list[str]:
    return list(IpPool.objects.filter(kind=IpPool.Kind.DYNAMIC, active=True).values_list("network", flat=True))


@dataclass(frozen=True)
class Holder:
    """Who held an address at a moment, and the record that says so."""

    member: Member
    source: str  # "session" (RADIUS log) or "fixed" (fixed-IP assignment)
    since: datetime
    until: datetime | None  # None: still held (an open session)
    username: str


def address_holder(*, address: str, at: datetime) -> Holder | None:
    """The member who held `address` at `at`, or None.

    A session holds its address from its start (inclusive) to its stop (exclusive): at the stop
    instant the address is already free for the next session. An open session (no stop) holds it
    until a later session on the same address begins; when records overlap, the latest start wins.
    """
    address = str(ipaddress.ip_address(address.strip()))
    session = (
        RadiusSession.objects.filter(address=address, started_at__lte=at)
        .filter(Q(stopped_at__isnull=True) | Q(stopped_at__gt=at))
        .select_related("member", "member__plan")
        .order_by("-started_at")
        .first()
    )
    if session is None:
        return None
    return Holder(
        member=session.member,
        source="session",
        since=session.started_at,
        until=session.stopped_at,
        username=session.username,
    )
