"""SPF for OKBNET's own relays: the record OKBNET should publish, and whether the published one matches.

The relay addresses are data (settings.OKBNET_RELAY_ADDRESSES, the one list the DNS module's
own-domain checks use too). The include domain (settings.OKBNET_SPF_INCLUDE) carries the list;
OKBNET's mail domain and members' own domains reference it. Published records are judged with the
DNS module's RFC 7208 evaluator (mailsettings.dnscheck.check_host), never by string matching alone:

- every relay must `pass` for the mail domain;
- an address of a dynamic pool (a member's line) must not pass — SPF that authorised those lines
  would vouch for exactly the spam OP25B is there to stop;
- the include domain's record should be the expected one (same terms, any order).
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from mailsettings import dnscheck

from .ranges import ranges_collapse

MAX_PROBES = 4


def spf_expected_record(relays: Iterable[str]) -> str:
    """`v=spf1 ip4:… ip6:… -all` for the relays (adjacent addresses collapsed, stable order)."""
    terms = []
    for net in ranges_collapse(relays):
        value = str(net.network_address) if net.prefixlen == net.max_prefixlen else str(net)
        terms.append(f"ip{net.version}:{value}")
    return " ".join(["v=spf1", *terms, "-all"])


def spf_terms(record: str) -> frozenset[str]:
    """A record's terms in a canonical form (qualifier made explicit, addresses as networks)."""
    terms = set()
    for raw in record.split()[1:]:
        term = raw.lower()
        qualifier = term[0] if term[0] in "+-~?" else "+"
        body = term[1:] if term[0] in "+-~?" else term
        if body.startswith(("ip4:", "ip6:")):
            # A malformed address is kept as written: it simply will not match the expected term.
            with contextlib.suppress(ValueError):
                body = f"{body[:3]}:{ipaddress.ip_network(body[4:], strict=False)}"
        terms.add(f"{qualifier}{body}")
    return frozenset(terms)


def probe_addresses(networks: Iterable[str]) -> list[str]:
    """One address inside each dynamic pool (its first host), at most MAX_PROBES."""
    probes = []
    for net in ranges_collapse(networks)[:MAX_PROBES]:
        probes.append(str(net.network_address + 1 if net.num_addresses > 2 else net.network_address))
    return probes


def spf_published_check(*, dynamic_networks: Iterable[str], session: dnscheck.Session | None = None) -> dict[str, Any]:
    """Ask DNS (through the DNS module) and judge the published SPF; a JSON-ready dict."""
    session = session or dnscheck.Session()
    relays = list(dnscheck.relay_addresses())
    domain = settings.OKBNET_MAIL_DOMAIN
    include = settings.OKBNET_SPF_INCLUDE
    expected = spf_expected_record(relays)

    looked = session.lookup(include, "TXT")
    texts = [b"".join(r.strings).decode("utf-8", "replace") for r in looked.rdatas] if looked.ok else []
    records = [t for t in texts if t.lower().startswith("v=spf1")]
    published = records[0] if len(records) == 1 else None
    record_error = looked.error or ("multiple_records" if len(records) > 1 else None if records else "nodata")

    relay_results = [dnscheck.check_host(ip, domain, session=session) for ip in relays]
    probe_results = [dnscheck.check_host(ip, domain, session=session) for ip in probe_addresses(dynamic_networks)]
    temporary = [r.code for r in (*relay_results, *probe_results) if r.result == dnscheck.TEMPERROR]
    if looked.error in (dnscheck.TIMEOUT, dnscheck.SERVFAIL):
        temporary.insert(0, looked.error)

    record_matches = published is not None and spf_terms(published) == spf_terms(expected)
    relays_pass = bool(relay_results) and all(r.result == dnscheck.PASS for r in relay_results)
    dynamic_refused = all(r.result != dnscheck.PASS for r in probe_results)
    return {
        "checked_at": timezone.now().isoformat(),
        "domain": domain,
        "include": include,
        "expected": expected,
        "domain_record_expected": f"v=spf1 include:{include} -all",
        "published": published,
        "published_error": None if published else record_error,
        "record_matches": record_matches,
        "relays": [{"ip": r.ip, "result": r.result, "code": r.code} for r in relay_results],
        "relays_pass": relays_pass,
        "probes": [{"ip": r.ip, "result": r.result, "code": r.code} for r in probe_results],
        "dynamic_refused": dynamic_refused,
        "error": temporary[0] if temporary else None,
        "ok": record_matches and relays_pass and dynamic_refused and not temporary,
    }
