"""Demo data: a few own domains OKBNET hosts, each tied to its member."""

from django.db import transaction

from accounts.models import Member

from .domains import own_domain_add

# (domain, member number of the demo data or None)
OWN_DOMAINS = [("okabe-shoten.jp", "M1000001"), ("okabe-clinic.jp", "M1000002"), ("sakaiminato-farm.jp", None)]


@transaction.atomic
def seed() -> list[str]:
    members = {m.member_number: m for m in Member.objects.filter(member_number__in=[n for _d, n in OWN_DOMAINS if n])}
    for domain, number in OWN_DOMAINS:
        own_domain_add(domains=[domain], member=members.get(number))
    return [f"Own domains hosted by OKBNET: {', '.join(d for d, _n in OWN_DOMAINS)}"]
