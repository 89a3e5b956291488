"""Fixed-IP pools and allocation. Allocation runs inside the caller's transaction and locks
one free row (`SKIP LOCKED` on PostgreSQL), so many workers never hand out one address twice."""

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Member
from okbnet_portal.actors import Actor, actor_name, actor_user

from .fields import normalise_network
from .models import FixedAddress, IpAssignment, IpPool


class PoolExhausted(Exception):
    """No free fixed address for this line type: a person must add a pool."""


def pool_create(*, name: str, network: str, kind: str, line_type: str) -> IpPool:
    with transaction.atomic():
        pool = IpPool.objects.create(name=name, network=normalise_network(network), kind=kind, line_type=line_type)
        pool_sync_addresses(pool=pool)
    return pool


def pool_sync_addresses(*, pool: IpPool) -> int:
    """Create the address rows of a fixed pool (idempotent); returns how many were added."""
    if pool.kind != IpPool.Kind.FIXED:
        return 0
    existing = set(pool.addresses.values_list("address", flat=True))
    rows = [FixedAddress(pool=pool, address=a) for a in pool.usable_addresses() if a not in existing]
    FixedAddress.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def address_allocate(*, member: Member, line_type: str, by: Actor = None) -> FixedAddress:
    """Give `member` a free fixed address of `line_type`. Call inside `transaction.atomic()`.

    A member who already holds an address keeps it (a re-run does nothing twice).
    """
    current = FixedAddress.objects.select_for_update().filter(member=member).first()
    if current is not None:
        return current
    free = FixedAddress.objects.filter(
        member__isnull=True, pool__kind=IpPool.Kind.FIXED, pool__line_type=line_type, pool__active=True
    ).order_by("pool_id", "id")
    # Lock only the address row (`of`): locking the joined pool row would make every other
    # worker skip the whole pool.
    skip = connection.features.has_select_for_update_skip_locked
    now = timezone.now()
    for _attempt in range(20):
        candidate = free.select_for_update(skip_locked=skip, of=("self",)).values_list("pk", flat=True).first()
        if candidate is None:
            raise PoolExhausted(line_type)
        # The conditional update is the claim on back-ends without row locks (SQLite).
        if FixedAddress.objects.filter(pk=candidate, member__isnull=True).update(member=member, assigned_at=now):
            address = FixedAddress.objects.get(pk=candidate)
            IpAssignment.objects.create(
                member=member,
                address=address,
                assigned_from=now,
                created_by=actor_name(by),
                created_by_user=actor_user(by),
            )
            return address
    raise PoolExhausted(line_type)


def address_release(*, member: Member, by: Actor = None) -> None:
    """Take back the member's fixed address (plan change back to dynamic, cancellation)."""
    now = timezone.now()
    with transaction.atomic():
        IpAssignment.objects.filter(member=member, assigned_until__isnull=True).update(assigned_until=now)
        FixedAddress.objects.filter(member=member).update(member=None, assigned_at=None)
        Member.objects.filter(pk=member.pk).update(fixed_ip=None)
