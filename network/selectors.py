"""Reads of the network app that cross relations."""

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q

from accounts.models import Member

from .models import IpAssignment, IpPool, RadiusSession
from .ranges import Network, ranges_collapse


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
class PublishedRanges:
    """The carriers' list as published: collapsed CIDRs, when this content first appeared, a digest."""

    cidrs: tuple[str, ...]
    changed_at: datetime
    digest: str

    @property
    def networks(self) -> list[Network]:
        return [ipaddress.ip_network(c) for c in self.cidrs]


RANGES_STATE_KEY = "network:dynamic-ranges:state"


def _digest(lines) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]


def _pools_source(networks: list[str]) -> str:
    """The digest of the active dynamic pools (`networks` in the database's order of the cidr type)."""
    return hashlib.md5("\n".join(networks).encode(), usedforsecurity=False).hexdigest()


def _pools_source_in_database() -> str | None:
    """The same digest computed by PostgreSQL, which then sends one row back instead of one per
    pool (md5 of the networks' text in cidr order: what `_pools_source` computes). None elsewhere.

    Plain SQL: it is asked on every poll of the carriers' list, and the ORM's compilation of the
    aggregate cost more than PostgreSQL's work (bench/bench_ranges.py)."""
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(IpPool._meta.db_table)
    with connection.cursor() as cursor:
        # The table's name comes from the model, the kind is a parameter.
        cursor.execute(
            f"SELECT md5(coalesce(string_agg(network::text, E'\\n' ORDER BY network), '')) FROM {table}"  # noqa: S608
            " WHERE active AND kind = %s",
            [IpPool.Kind.DYNAMIC.value],
        )
        return cursor.fetchone()[0]


def published_ranges() -> PublishedRanges:
    """The dynamic ranges with a stable validator for conditional GETs (one query).

    The collapsed list is kept in the cache with the digest of the pools it came from, so a poll
    costs one query (one row: the digest, on PostgreSQL) and one cache read, not a collapse.
    `changed_at` is when the current content was first served, so `Last-Modified` only moves when
    the list does; a cold cache restarts it at now, which at worst makes a carrier download an
    unchanged list once.
    """
    state = cache.get(RANGES_STATE_KEY)
    source = _pools_source_in_database() if state else None
    if source is None or state["source"] != source:
        pools = list(
            IpPool.objects.filter(kind=IpPool.Kind.DYNAMIC, active=True)
            .order_by("network")
            .values_list("network", flat=True)
        )
        source = _pools_source(pools)
    if not state or state["source"] != source:
        cidrs = tuple(str(n) for n in ranges_collapse(sorted(pools)))
        digest = _digest(cidrs)
        changed_at = state["changed_at"] if state else 0
        if digest != (state or {}).get("digest"):
            now = int(datetime.now(tz=UTC).timestamp())
            # Second-resolution dates: a change within the same second must still move Last-Modified.
            changed_at = max(now, changed_at + 1)
        state = {"source": source, "digest": digest, "changed_at": changed_at, "cidrs": cidrs}
        cache.set(RANGES_STATE_KEY, state, timeout=None)
    return PublishedRanges(
        cidrs=tuple(state["cidrs"]),
        changed_at=datetime.fromtimestamp(state["changed_at"], tz=UTC),
        digest=state["digest"],
    )


@dataclass(frozen=True)
class Holder:
    """Who held an address at a moment, and the record that says so."""

    member: Member
    source: str  # "session" (RADIUS log) or "fixed" (fixed-IP assignment)
    since: datetime
    until: datetime | None  # None: still held (an open session)
    username: str


def address_holder(*, address: str, at: datetime) -> Holder | None:
    """The member who held `address` at `at`, or None: the session log first, then fixed-IP history.

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
        assignment = (
            IpAssignment.objects.filter(address__address=address, assigned_from__lte=at)
            .filter(Q(assigned_until__isnull=True) | Q(assigned_until__gt=at))
            .select_related("member", "member__plan")
            .order_by("-assigned_from")
            .first()
        )
        if assignment is None:
            return None
        return Holder(
            member=assignment.member,
            source="fixed",
            since=assignment.assigned_from,
            until=assignment.assigned_until,
            username=assignment.member.connection_username,
        )
    return Holder(
        member=session.member,
        source="session",
        since=session.started_at,
        until=session.stopped_at,
        username=session.username,
    )


def spf_status() -> dict:
    """For the staff dashboard: the record OKBNET should publish, and the last check of the published one
    (None until a worker has checked; no DNS here)."""
    from django.conf import settings

    from mailsettings.dnscheck import relay_addresses

    from .models import SpfStatus
    from .spf import spf_expected_record

    last = SpfStatus.objects.filter(domain=settings.OKBNET_MAIL_DOMAIN).values_list("result", flat=True).first()

    return {
        "relays": list(relay_addresses()),
        "include": settings.OKBNET_SPF_INCLUDE,
        "domain": settings.OKBNET_MAIL_DOMAIN,
        "expected": spf_expected_record(relay_addresses()),
        "domain_record_expected": f"v=spf1 include:{settings.OKBNET_SPF_INCLUDE} -all",
        "last": last,
    }


def radius_state(member) -> dict:
    """What FreeRADIUS holds for the member (the staff member screen): each user name (the current
    one and old ones until their date) with its group, address and whether it is rejected; the
    outbox entries not yet written; the last Disconnect answer. `available` is False when the
    RADIUS database cannot be read (the screen says so instead of failing)."""
    from django.conf import settings
    from django.db import DatabaseError

    from .models import RadCheck, RadiusDisconnect, RadiusOutbox, RadiusRetiredName, RadReply, RadUserGroup

    retired = {r.username: r.until for r in RadiusRetiredName.objects.filter(member=member)}
    names = [member.connection_username, *retired]
    state = {
        "pending": RadiusOutbox.objects.filter(member=member, applied_at__isnull=True).count(),
        "last_disconnect": RadiusDisconnect.objects.filter(member=member).first(),
        "available": True,
        "names": [],
    }
    alias = settings.RADIUS_DATABASE_ALIAS
    try:
        checks = set(RadCheck.objects.using(alias).filter(username__in=names).values_list("username", "attribute"))
        groups = dict(RadUserGroup.objects.using(alias).filter(username__in=names).values_list("username", "groupname"))
        addresses = dict(
            RadReply.objects.using(alias)
            .filter(username__in=names, attribute="Framed-IP-Address")
            .values_list("username", "value")
        )
    except DatabaseError:
        state["available"] = False
        return state
    for name in names:
        attributes = {attribute for username, attribute in checks if username == name}
        state["names"].append(
            {
                "username": name,
                "current": name == member.connection_username,
                "until": retired.get(name),
                "present": bool(attributes),
                "rejected": "Auth-Type" in attributes,
                "group": groups.get(name, ""),
                "address": addresses.get(name, ""),
            }
        )
    return state
