from django.db.models import Count, Q

from .models import IpPool


def pool_usage() -> list[IpPool]:
    """Fixed pools with their size and how many addresses are free (one query)."""
    return list(
        IpPool.objects.filter(kind=IpPool.Kind.FIXED).annotate(
            size=Count("addresses"), free=Count("addresses", filter=Q(addresses__member__isnull=True))
        )
    )


def dynamic_ranges() -> list[str]:
    return list(IpPool.objects.filter(kind=IpPool.Kind.DYNAMIC, active=True).values_list("network", flat=True))
