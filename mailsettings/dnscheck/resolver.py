"""The resolver and the session every DNS check uses: one factory, explicit timeouts, errors as codes.

`Session` is one check: a deadline for the whole check, a count of the questions asked, and each
question asked at most once. Every other module of this package asks DNS through a session.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import dns.exception
import dns.message
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import idna
from django.conf import settings

# Error codes of a single look-up.
NXDOMAIN = "nxdomain"  # the name does not exist
NODATA = "nodata"  # the name exists, but has no record of that type
TIMEOUT = "timeout"  # no answer in time
SERVFAIL = "servfail"  # the servers answered with an error (SERVFAIL, REFUSED, ...)
INVALID_NAME = "invalid_name"  # not a domain name we can ask about
CNAME_LOOP = "cname_loop"  # CNAME chain too long or circular
VOID_ERRORS = frozenset({NXDOMAIN, NODATA})

MAX_CNAME_HOPS = 8


class InvalidDomain(ValueError):
    pass


def to_ascii(domain: str) -> str:
    """The A-label form (IDNA 2008 with UTS #46 mapping) of a domain, lower case, no final dot."""
    text = (domain or "").strip().rstrip(".")
    if not text:
        raise InvalidDomain(domain)
    try:
        return idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError) as exc:
        # Names such as _submission._tcp.example.jp are not host names; keep plain ASCII ones.
        labels = text.split(".")
        if (
            len(text) <= 253
            and re.fullmatch(r"[A-Za-z0-9_.-]+", text)
            and all(0 < len(label) <= 63 and not label.startswith("-") for label in labels)
        ):
            return text.lower()
        raise InvalidDomain(domain) from exc


def to_unicode(domain: str) -> str:
    """The U-label form, for showing the member the name they typed."""
    try:
        return idna.decode(domain)
    except (idna.IDNAError, UnicodeError):
        return domain


# --------------------------------------------------------------------------- resolver


def _nameservers(entries: list[str]) -> list[dns.nameserver.Nameserver]:
    """ "host[:port]" entries; IPv6 as [addr]:port or a bare address."""
    servers = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        port = 53
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            if rest.startswith(":"):
                port = int(rest[1:])
        elif entry.count(":") == 1:
            host, raw_port = entry.split(":")
            port = int(raw_port)
        else:
            host = entry
        servers.append(dns.nameserver.Do53Nameserver(host, port))
    return servers


def make_resolver(*, timeout: float | None = None, lifetime: float | None = None) -> dns.resolver.Resolver:
    """The one resolver factory: OKBNET_DNS_NAMESERVERS if set, else the system resolver; the
    timeouts OKBNET_DNS_TIMEOUT (one try) and OKBNET_DNS_LIFETIME (the whole question) unless given."""
    entries = list(getattr(settings, "OKBNET_DNS_NAMESERVERS", []) or [])
    if entries:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = _nameservers(entries)
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = settings.OKBNET_DNS_TIMEOUT if timeout is None else timeout
    resolver.lifetime = settings.OKBNET_DNS_LIFETIME if lifetime is None else lifetime
    # EDNS with the DNS-flag-day payload: a DKIM key or a long SPF record fits in one UDP answer
    # instead of a truncated one and a second question over TCP.
    resolver.use_edns(0, 0, 1232)
    resolver.cache = None  # results are cached by the callers, with their TTLs
    return resolver


# --------------------------------------------------------------------------- one look-up


@dataclass(frozen=True)
class Lookup:
    name: str
    rdtype: str
    records: tuple[str, ...] = ()
    ttl: int | None = None
    error: str | None = None
    cname_chain: tuple[str, ...] = ()  # the names the question went through, first = asked
    rdatas: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def void(self) -> bool:
        return self.error in VOID_ERRORS

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rdatas")
        data["records"] = list(self.records)
        data["cname_chain"] = list(self.cname_chain)
        return data


class Session:
    """One check: a resolver, a deadline for the whole check, and a count of questions asked."""

    def __init__(self, resolver: dns.resolver.Resolver | None = None, *, budget: float | None = None):
        self.resolver = resolver or make_resolver()
        self.deadline = time.monotonic() + budget if budget else None
        self.queries = 0
        self._seen: dict[tuple[str, str], Lookup] = {}  # one check never asks the same question twice

    def remaining(self) -> float:
        if self.deadline is None:
            return self.resolver.lifetime
        return max(0.0, min(self.resolver.lifetime, self.deadline - time.monotonic()))

    def _ask(self, name: str, rdtype: str) -> tuple[dns.resolver.Answer | None, str | None]:
        lifetime = self.remaining()
        if lifetime <= 0:
            return None, TIMEOUT
        self.queries += 1
        try:
            answer = self.resolver.resolve(
                name, rdtype, raise_on_no_answer=False, lifetime=lifetime, search=False, tcp=False
            )
        except dns.resolver.NXDOMAIN:
            return None, NXDOMAIN
        except (dns.resolver.LifetimeTimeout, dns.exception.Timeout):
            return None, TIMEOUT
        except dns.resolver.NoNameservers as exc:
            errors = exc.kwargs.get("errors") or []
            if any(isinstance(error[3], dns.message.ChainTooLong) for error in errors if len(error) > 3):
                return None, CNAME_LOOP  # the server followed a circular chain for us
            return None, SERVFAIL
        except (dns.resolver.YXDOMAIN, dns.name.NameTooLong, dns.name.EmptyLabel, dns.name.LabelTooLong):
            return None, INVALID_NAME
        return answer, None

    def lookup(self, name: str, rdtype: str) -> Lookup:
        """Ask one question (once per session). CNAMEs the server did not follow are followed here."""
        key = (name.lower().rstrip("."), rdtype)
        if key not in self._seen:
            self._seen[key] = self._lookup(name, rdtype)
        return self._seen[key]

    def _lookup(self, name: str, rdtype: str) -> Lookup:
        try:
            current = to_ascii(name)
        except InvalidDomain:
            return Lookup(name=name, rdtype=rdtype, error=INVALID_NAME)
        asked = current
        chain = [current]
        ttl: int | None = None
        for _hop in range(MAX_CNAME_HOPS):
            answer, error = self._ask(current, rdtype)
            if error:
                return Lookup(asked, rdtype, error=error, cname_chain=tuple(chain))
            for target_name in (str(n).rstrip(".").lower() for n in _cname_targets(answer)):
                if target_name in chain:
                    return Lookup(asked, rdtype, error=CNAME_LOOP, cname_chain=tuple(chain))
                chain.append(target_name)
            ttl = _min_ttl(ttl, answer)
            if answer.rrset is not None:
                rdatas = tuple(answer.rrset)
                return Lookup(
                    asked,
                    rdtype,
                    records=tuple(sorted(r.to_text() for r in rdatas)),
                    ttl=ttl,
                    cname_chain=tuple(chain),
                    rdatas=rdatas,
                )
            target = str(answer.canonical_name).rstrip(".").lower()
            if target == current or rdtype == "CNAME":
                return Lookup(asked, rdtype, ttl=_negative_ttl(answer, ttl), error=NODATA, cname_chain=tuple(chain))
            current = target
        return Lookup(asked, rdtype, error=CNAME_LOOP, cname_chain=tuple(chain))


def _cname_targets(answer: dns.resolver.Answer) -> list[dns.name.Name]:
    targets = []
    for rrset in answer.response.answer:
        if rrset.rdtype == dns.rdatatype.CNAME:
            targets.extend(r.target for r in rrset)
    return targets


def _min_ttl(ttl: int | None, answer: dns.resolver.Answer) -> int | None:
    ttls = [rrset.ttl for rrset in answer.response.answer]
    if not ttls:
        return ttl
    low = min(ttls)
    return low if ttl is None else min(ttl, low)


def _negative_ttl(answer: dns.resolver.Answer, ttl: int | None) -> int | None:
    """RFC 2308: a negative answer lives min(SOA TTL, SOA minimum)."""
    for rrset in answer.response.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            low = min(rrset.ttl, rrset[0].minimum)
            return low if ttl is None else min(ttl, low)
    return ttl


def lookup(name: str, rdtype: str, *, session: Session | None = None) -> Lookup:
    return (session or Session()).lookup(name, rdtype)


def txt_texts(result: Lookup) -> list[str]:
    """The TXT records of a look-up, each record's strings joined (RFC 7208 §3.3, RFC 6376 §3.6.2.2)."""
    return [b"".join(r.strings).decode("utf-8", "replace") for r in result.rdatas] if result.ok else []


def is_temporary(error: str | None) -> bool:
    """A DNS failure that says nothing about the records (try again later)."""
    return error in (TIMEOUT, SERVFAIL)
