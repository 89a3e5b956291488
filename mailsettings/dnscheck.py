"""DNS facts for the mail advice: the one module that talks DNS (dnspython).

Everything here returns structured results with error codes, never text for people:
the pages and the API turn the codes into words in the request's language.

- `make_resolver()`: the one resolver factory (OKBNET_DNS_NAMESERVERS, explicit timeouts).
- `lookup()`: one question, following CNAME chains across zones, errors as codes.
- `submission_support()`: RFC 6186 / RFC 8314 SRV records for a provider's domain.
- `check_host()`: RFC 7208 SPF evaluation for one address.
- `own_domain_check()`: gw.<domain>, MX and SPF of a domain hosted by OKBNET.
"""

from __future__ import annotations

import ipaddress
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
import dns.reversename
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

DEFAULT_TIMEOUT = 2.0  # one server, one try
DEFAULT_LIFETIME = 3.0  # the whole question, retries included
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


def make_resolver(*, timeout: float = DEFAULT_TIMEOUT, lifetime: float = DEFAULT_LIFETIME) -> dns.resolver.Resolver:
    """The one resolver factory: OKBNET_DNS_NAMESERVERS if set, else the system resolver."""
    entries = list(getattr(settings, "OKBNET_DNS_NAMESERVERS", []) or [])
    if entries:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = _nameservers(entries)
    else:
        resolver = dns.resolver.Resolver()
    resolver.timeout = timeout
    resolver.lifetime = lifetime
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


# --------------------------------------------------------------------------- provider support (SRV)

SUBMISSION_SERVICES = (("_submission._tcp", 587), ("_submissions._tcp", 465))


@dataclass(frozen=True)
class SubmissionSupport:
    """What a provider's domain publishes about mail submission (RFC 6186, RFC 8314).

    `support` is "587", "465", "both", "none" or "unknown" (DNS says nothing, or could not
    be asked: then `error` says why). `host` is the submission server named by the SRV records.
    """

    domain: str
    support: str
    host: str = ""
    error: str | None = None
    ttl: int | None = None
    lookups: tuple[Lookup, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "support": self.support,
            "host": self.host,
            "error": self.error,
            "ttl": self.ttl,
            "lookups": [item.to_dict() for item in self.lookups],
        }


def submission_support(domain: str, *, session: Session | None = None) -> SubmissionSupport:
    session = session or Session()
    try:
        ascii_domain = to_ascii(domain)
    except InvalidDomain:
        return SubmissionSupport(domain=domain, support="unknown", error=INVALID_NAME)
    offered: dict[int, str] = {}
    declined: set[int] = set()
    lookups = []
    for service, port in SUBMISSION_SERVICES:
        result = session.lookup(f"{service}.{ascii_domain}", "SRV")
        lookups.append(result)
        if not result.ok:
            continue
        targets = sorted(result.rdatas, key=lambda r: (r.priority, -r.weight))
        real = [r for r in targets if str(r.target) != "."]
        if real:
            offered[port] = str(real[0].target).rstrip(".")
        else:
            declined.add(port)  # RFC 6186 §3: a target of "." means "not offered"
    ttl = min((item.ttl for item in lookups if item.ttl is not None), default=None)
    hard = [item.error for item in lookups if item.error and item.error not in VOID_ERRORS]
    if offered:
        support = "both" if len(offered) == 2 else str(next(iter(offered)))
        host = offered.get(587) or offered.get(465, "")
        return SubmissionSupport(ascii_domain, support, host=host, ttl=ttl, lookups=tuple(lookups))
    if declined == {587, 465}:
        return SubmissionSupport(ascii_domain, "none", ttl=ttl, lookups=tuple(lookups))
    return SubmissionSupport(
        ascii_domain, "unknown", error=hard[0] if hard else NODATA, ttl=ttl, lookups=tuple(lookups)
    )


# --------------------------------------------------------------------------- SPF (RFC 7208)

PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR = (
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "permerror",
    "temperror",
)
QUALIFIERS = {"+": PASS, "-": FAIL, "~": SOFTFAIL, "?": NEUTRAL}
LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4
VOID_LOOKUP_LIMIT = 2
MX_NAME_LIMIT = 10

# Codes that say why a permerror or temperror happened.
TOO_MANY_LOOKUPS = "too_many_lookups"
VOID_LOOKUP_LIMIT_CODE = "void_lookup_limit"
MULTIPLE_RECORDS = "multiple_records"
INCLUDE_LOOP = "include_loop"
INCLUDE_WITHOUT_SPF = "include_without_spf"
SYNTAX = "syntax"
TOO_MANY_MX = "too_many_mx"

_SPF_RE = re.compile(r"^v=spf1(\s|$)", re.IGNORECASE)
_TERM_RE = re.compile(r"^([+\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?::(.*?))?(/\d+)?(//\d+)?$", re.I)
_MODIFIER_RE = re.compile(r"^([a-z][a-z0-9_.\-]*)=(.*)$", re.I)


@dataclass(frozen=True)
class SpfResult:
    result: str
    domain: str
    ip: str
    code: str | None = None  # why, for permerror/temperror (and "none": nxdomain/nodata)
    record: str = ""  # the record of `domain`
    mechanism: str = ""  # the term that decided, if any
    lookups: int = 0
    void_lookups: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _SpfError(Exception):
    def __init__(self, result: str, code: str):
        super().__init__(code)
        self.result = result
        self.code = code


class _SpfState:
    def __init__(self, session: Session):
        self.session = session
        self.lookups = 0
        self.void = 0
        self.record = ""  # the record of the domain asked about (kept for errors found later)

    def count(self) -> None:
        self.lookups += 1
        if self.lookups > LOOKUP_LIMIT:
            raise _SpfError(PERMERROR, TOO_MANY_LOOKUPS)

    def ask(self, name: str, rdtype: str, *, count_void: bool = True) -> Lookup:
        """A mechanism's look-up. Void answers count against the limit only for the mechanism's
        own question, not for the addresses of each MX host (as pyspf and most receivers do)."""
        result = self.session.lookup(name, rdtype)
        if result.error in (TIMEOUT, SERVFAIL):
            raise _SpfError(TEMPERROR, result.error)
        if result.error == INVALID_NAME:
            raise _SpfError(PERMERROR, SYNTAX)
        if result.void and count_void:
            self.void += 1
            if self.void > VOID_LOOKUP_LIMIT:
                raise _SpfError(PERMERROR, VOID_LOOKUP_LIMIT_CODE)
        return result


def _select_record(result: Lookup) -> tuple[str | None, str | None]:
    if not result.ok:
        return None, result.error
    texts = [b"".join(r.strings).decode("utf-8", "replace") for r in result.rdatas]
    records = [t for t in texts if _SPF_RE.match(t)]
    if len(records) > 1:
        return None, MULTIPLE_RECORDS
    if not records:
        return None, NODATA
    return records[0], None


def check_host(ip: str, domain: str, sender: str = "", *, session: Session | None = None, helo: str = "") -> SpfResult:
    """RFC 7208 check_host(): may `ip` send mail for `domain`? Never raises for DNS problems."""
    address = ipaddress.ip_address(ip)
    state = _SpfState(session or Session())
    try:
        ascii_domain = to_ascii(domain)
    except InvalidDomain:
        return SpfResult(NONE, domain, ip, code=INVALID_NAME)
    sender = sender or f"postmaster@{ascii_domain}"
    try:
        outcome, mechanism, _record = _check(address, ascii_domain, sender, helo, state, stack=())
        code = None
        if outcome == NONE:
            code = mechanism
            mechanism = ""
    except _SpfError as exc:
        outcome, code, mechanism = exc.result, exc.code, ""
    return SpfResult(
        outcome,
        ascii_domain,
        ip,
        code=code,
        record=state.record,
        mechanism=mechanism,
        lookups=state.lookups,
        void_lookups=state.void,
    )


def _check(address, domain: str, sender: str, helo: str, state: _SpfState, stack: tuple[str, ...]):
    """(result, deciding term or "none" reason, record). Raises _SpfError for perm/temp errors."""
    looked = state.session.lookup(domain, "TXT")
    if looked.error in (TIMEOUT, SERVFAIL):
        raise _SpfError(TEMPERROR, looked.error)
    record, error = _select_record(looked)
    if error == MULTIPLE_RECORDS:
        raise _SpfError(PERMERROR, MULTIPLE_RECORDS)
    if record is None:
        return NONE, error or NODATA, ""
    if not stack:
        state.record = record
    terms = record.split()[1:]
    redirect = None
    parsed = []
    for term in terms:
        modifier = _MODIFIER_RE.match(term)
        if modifier and not _TERM_RE.match(term):
            name, value = modifier.group(1).lower(), modifier.group(2)
            if name == "redirect":
                if redirect is not None:
                    raise _SpfError(PERMERROR, SYNTAX)
                redirect = value
            continue  # exp= and unknown modifiers are ignored (§6)
        match = _TERM_RE.match(term)
        if not match:
            raise _SpfError(PERMERROR, SYNTAX)
        parsed.append((term, match))
    for term, match in parsed:
        qualifier = QUALIFIERS[match.group(1) or "+"]
        if _mechanism_matches(address, domain, sender, helo, match, state, stack):
            return qualifier, term, record
    if redirect is not None:
        state.count()
        target = _expand(redirect, address, domain, sender, helo)
        if target in stack or target == domain:
            raise _SpfError(PERMERROR, INCLUDE_LOOP)
        outcome, mechanism, _record = _check(address, target, sender, helo, state, (*stack, domain))
        if outcome == NONE:
            raise _SpfError(PERMERROR, INCLUDE_WITHOUT_SPF)
        return outcome, mechanism, record
    return NEUTRAL, "", record


def _cidr(match: re.Match, version: int) -> int | None:
    four, six = match.group(4), match.group(5)
    if version == 4:
        value = int(four[1:]) if four else 32
        if value > 32:
            raise _SpfError(PERMERROR, SYNTAX)
    else:
        value = int(six[2:]) if six else 128
        if value > 128:
            raise _SpfError(PERMERROR, SYNTAX)
    return value


def _in(address, host_address: str, prefix: int) -> bool:
    try:
        network = ipaddress.ip_network(f"{host_address}/{prefix}", strict=False)
    except ValueError:
        return False
    return network.version == address.version and address in network


def _addresses(name: str, address, state: _SpfState, *, count_void: bool = True) -> list[str]:
    result = state.ask(name, "A" if address.version == 4 else "AAAA", count_void=count_void)
    return [r.address for r in result.rdatas] if result.ok else []


def _mechanism_matches(address, domain, sender, helo, match: re.Match, state: _SpfState, stack) -> bool:
    kind = match.group(2).lower()
    argument = match.group(3)
    if kind == "all":
        if argument is not None or match.group(4) or match.group(5):
            raise _SpfError(PERMERROR, SYNTAX)
        return True
    if kind in ("ip4", "ip6"):
        if not argument:
            raise _SpfError(PERMERROR, SYNTAX)
        if match.group(5):
            raise _SpfError(PERMERROR, SYNTAX)
        try:
            network = ipaddress.ip_network(argument + (match.group(4) or ""), strict=False)
        except ValueError:
            raise _SpfError(PERMERROR, SYNTAX) from None
        if network.version != (4 if kind == "ip4" else 6):
            raise _SpfError(PERMERROR, SYNTAX)
        return network.version == address.version and address in network
    target = _expand(argument, address, domain, sender, helo) if argument else domain
    if kind in ("include", "exists") and not argument:
        raise _SpfError(PERMERROR, SYNTAX)
    state.count()
    if kind == "include":
        if target in stack or target == domain:
            raise _SpfError(PERMERROR, INCLUDE_LOOP)
        outcome, _mechanism, _record = _check(address, target, sender, helo, state, (*stack, domain))
        if outcome == NONE:
            raise _SpfError(PERMERROR, INCLUDE_WITHOUT_SPF)
        return outcome == PASS  # fail, softfail, neutral: no match (§5.2)
    if kind == "exists":
        return bool(state.ask(target, "A").records)
    if kind == "a":
        prefix = _cidr(match, address.version)
        return any(_in(address, a, prefix) for a in _addresses(target, address, state))
    if kind == "mx":
        prefix = _cidr(match, address.version)
        mx = state.ask(target, "MX")
        names = [str(r.exchange).rstrip(".") for r in mx.rdatas if str(r.exchange) != "."]
        if len(names) > MX_NAME_LIMIT:
            raise _SpfError(PERMERROR, TOO_MANY_MX)
        return any(
            _in(address, a, prefix) for name in names for a in _addresses(name, address, state, count_void=False)
        )
    if kind == "ptr":
        # Deprecated (§5.5) and slow: counted, validated forward, matched only on a confirmed name.
        reverse = state.session.lookup(str(dns.reversename.from_address(str(address))).rstrip("."), "PTR")
        for rdata in reverse.rdatas[:MX_NAME_LIMIT]:
            name = str(rdata.target).rstrip(".").lower()
            confirmed = _addresses(name, address, state, count_void=False)
            if (name == target or name.endswith("." + target)) and str(address) in confirmed:
                return True
        return False
    raise _SpfError(PERMERROR, SYNTAX)  # pragma: no cover


_MACRO_RE = re.compile(r"%\{([slodiphcrtv])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-", re.I)


def _expand(spec: str, address, domain: str, sender: str, helo: str) -> str:
    """RFC 7208 §7 macros (the common ones), then the A-label form."""
    local, _, sender_domain = sender.rpartition("@")

    def value(letter: str) -> str:
        letter = letter.lower()
        if letter == "s":
            return sender
        if letter == "l":
            return local or "postmaster"
        if letter == "o":
            return sender_domain or domain
        if letter == "d":
            return domain
        if letter == "i":
            if address.version == 4:
                return str(address)
            return ".".join(address.exploded.replace(":", ""))
        if letter == "v":
            return "in-addr" if address.version == 4 else "ip6"
        if letter == "h":
            return helo or domain
        return "unknown"

    def replace(match: re.Match) -> str:
        literal = {"%%": "%", "%_": " ", "%-": "%20"}.get(match.group(0))
        if literal is not None:
            return literal
        parts = re.split("[" + re.escape(match.group(4) or ".") + "]", value(match.group(1)))
        if match.group(3):
            parts.reverse()
        if match.group(2):
            parts = parts[-int(match.group(2)) :]
        return ".".join(parts)

    if "%" in spec and not _MACRO_RE.search(spec):
        raise _SpfError(PERMERROR, SYNTAX)
    expanded = _MACRO_RE.sub(replace, spec)
    try:
        return to_ascii(expanded)
    except InvalidDomain:
        raise _SpfError(PERMERROR, SYNTAX) from None


# --------------------------------------------------------------------------- own domains hosted by OKBNET


def relay_addresses() -> tuple[str, ...]:
    """OKBNET's outgoing relays: the one list (settings.OKBNET_RELAY_ADDRESSES) every check uses."""
    return tuple(str(ipaddress.ip_address(a)) for a in settings.OKBNET_RELAY_ADDRESSES)


@dataclass(frozen=True)
class OwnDomainCheck:
    domain: str
    gateway: Lookup  # A records of gw.<domain>
    gateway6: Lookup  # AAAA records
    gateway_ok: bool
    gateway_foreign: tuple[str, ...]  # addresses of gw.<domain> that are not OKBNET's relays
    mx: Lookup
    mx_ok: bool
    spf: tuple[SpfResult, ...]  # one per relay address
    spf_ok: bool
    ttl: int | None
    error: str | None = None  # a DNS error that made the check incomplete (timeout, servfail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "gateway": self.gateway.to_dict(),
            "gateway6": self.gateway6.to_dict(),
            "gateway_ok": self.gateway_ok,
            "gateway_foreign": list(self.gateway_foreign),
            "mx": self.mx.to_dict(),
            "mx_ok": self.mx_ok,
            "spf": [s.to_dict() for s in self.spf],
            "spf_ok": self.spf_ok,
            "ttl": self.ttl,
            "error": self.error,
        }


def own_domain_check(domain: str, *, session: Session | None = None) -> OwnDomainCheck:
    session = session or Session()
    ascii_domain = to_ascii(domain)
    relays = relay_addresses()
    gateway = session.lookup(f"gw.{ascii_domain}", "A")
    gateway6 = session.lookup(f"gw.{ascii_domain}", "AAAA")
    addresses = [r.address for r in (*gateway.rdatas, *gateway6.rdatas)]
    relay_set = {ipaddress.ip_address(a) for a in relays}
    foreign = tuple(a for a in addresses if ipaddress.ip_address(a) not in relay_set)
    mx = session.lookup(ascii_domain, "MX")
    spf = tuple(check_host(relay, ascii_domain, session=session) for relay in relays)
    lookups = (gateway, gateway6, mx)
    errors = [item.error for item in lookups if item.error in (TIMEOUT, SERVFAIL)]
    errors += [s.code for s in spf if s.result == TEMPERROR]
    ttl = min((item.ttl for item in lookups if item.ttl is not None), default=None)
    return OwnDomainCheck(
        domain=ascii_domain,
        gateway=gateway,
        gateway6=gateway6,
        gateway_ok=bool(addresses) and not foreign,
        gateway_foreign=foreign,
        mx=mx,
        mx_ok=mx.ok and any(str(r.exchange) != "." for r in mx.rdatas),
        spf=spf,
        spf_ok=bool(spf) and all(s.result == PASS for s in spf),
        ttl=ttl,
        error=errors[0] if errors else None,
    )


def spf_suggestion(current: str | None) -> str:
    """The record to publish so that OKBNET's relays pass: the member's record with our include added."""
    include = f"include:{settings.OKBNET_SPF_INCLUDE}"
    if not current:
        return f"v=spf1 mx {include} ~all"
    terms = current.split()
    if include in terms:
        return current
    for index, term in enumerate(terms):
        if re.fullmatch(r"[+\-~?]?all", term, re.I) or term.lower().startswith("redirect="):
            return " ".join([*terms[:index], include, *terms[index:]])
    return " ".join([*terms, include])
