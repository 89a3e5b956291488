"""Which mail domains are OKBNET's: OKBNET's own domain and the registry of members' own domains
it hosts (`OwnDomain`). Only these get a gateway `gw.<domain>`; any other address is another
provider's, and free-mail domains are named so the member recognises them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from . import dnscheck, providers
from .models import OwnDomain


class InvalidDomain(ValueError):
    pass


def normalise(domain: str) -> str:
    """The A-label, lower case, without a trailing dot; InvalidDomain for anything else."""
    try:
        name = dnscheck.to_ascii(domain.strip())
    except dnscheck.InvalidDomain as exc:
        raise InvalidDomain(domain) from exc
    if "." not in name:
        raise InvalidDomain(domain)
    return name


def is_okbnet_domain(domain: str) -> bool:
    """okbnet.ne.jp, or an own domain in the registry (one indexed query)."""
    domain = domain.lower().rstrip(".")
    if domain == settings.OKBNET_MAIL_DOMAIN:
        return True
    return OwnDomain.objects.filter(domain=domain).exists()


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[1].lower() if "@" in (address or "") else ""


def free_mail_name(domain: str) -> str:
    """The everyday name of a free-mail or carrier-mail domain, "" when it is not one."""
    return providers.free_mail_name(domain)


def own_domain_add(*, domains: list[str], member=None) -> list[OwnDomain]:
    """Register domains (idempotent); with a member, tie them to that member."""
    names = [normalise(d) for d in domains]
    added = []
    with transaction.atomic():
        for name in names:
            if name == settings.OKBNET_MAIL_DOMAIN:
                raise InvalidDomain(name)
            obj, created = OwnDomain.objects.get_or_create(domain=name, defaults={"member": member})
            if not created and member is not None and obj.member_id != member.pk:
                obj.member = member
                obj.save(update_fields=["member"])
            added.append(obj)
    return added


def own_domain_remove(*, domains: list[str]) -> int:
    names = [normalise(d) for d in domains]
    deleted, _by_model = OwnDomain.objects.filter(domain__in=names).delete()
    return deleted
