"""RFC 7208 SPF `check_host()` through pyspf, asking DNS through our own session.

pyspf (the implementation behind pypolicyd-spf and many MTAs' SPF checks) parses the record and
evaluates it. It would ask DNS itself through dnspython's module-level resolver; `_Query` replaces
its one DNS method with the session's look-up, so our timeouts, the check's time budget, the
question count, the NSD-backed tests and the structured error codes all stay.

Our own code remains only where pyspf has no answer or a different one:

- DNS errors become our codes (`timeout`, `servfail`); a `none` result says why (`nxdomain`,
  `nodata`); pyspf's permerror messages become reason codes plus the offending term.
- A CNAME loop met while looking up a host's addresses: the name is skipped (RFC 7208 §5.5), where
  pyspf with dnspython answers temperror.
- Void look-ups count per term (§4.6.4): the address look-ups of the hosts an `mx` or `ptr` term
  found are not void terms of their own (pyspf counts each of them).
- include/redirect loops are named as loops (pyspf runs into the look-up limit first).
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass
from typing import Any

import spf as pyspf
from django.conf import settings

from .resolver import CNAME_LOOP, INVALID_NAME, NODATA, InvalidDomain, Session, is_temporary, to_ascii

PASS, FAIL, SOFTFAIL, NEUTRAL, NONE, PERMERROR, TEMPERROR = (
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "permerror",
    "temperror",
)
LOOKUP_LIMIT = pyspf.MAX_LOOKUP  # RFC 7208 §4.6.4
VOID_LOOKUP_LIMIT = pyspf.MAX_VOID_LOOKUPS
MX_NAME_LIMIT = pyspf.MAX_MX

# Reason codes of a permerror (the pages turn them into words).
TOO_MANY_LOOKUPS = "too_many_lookups"
VOID_LOOKUP_LIMIT_CODE = "void_lookup_limit"
MULTIPLE_RECORDS = "multiple_records"
INCLUDE_LOOP = "include_loop"
INCLUDE_WITHOUT_SPF = "include_without_spf"
TOO_MANY_MX = "too_many_mx"
UNKNOWN_MECHANISM = "unknown_mechanism"
BAD_ADDRESS = "bad_address"
BAD_CIDR = "bad_cidr"
BAD_DOMAIN = "bad_domain"
BAD_MACRO = "bad_macro"
DUPLICATE_MODIFIER = "duplicate_modifier"
NON_ASCII = "non_ascii"
SYNTAX = "syntax"  # any other syntax error

# pyspf's messages (their beginnings) → our codes. Order matters: first match wins.
_PERMERROR_CODES = (
    ("Too many DNS lookups", TOO_MANY_LOOKUPS),
    ("More than 40 DNS lookups", TOO_MANY_LOOKUPS),
    ("Void lookup limit", VOID_LOOKUP_LIMIT_CODE),
    ("Two or more type", MULTIPLE_RECORDS),
    ("include loop", INCLUDE_LOOP),
    ("include has trivial recursion", INCLUDE_LOOP),
    ("No valid SPF record for included domain", INCLUDE_WITHOUT_SPF),
    ("redirect domain has no SPF record", INCLUDE_WITHOUT_SPF),
    ("More than 10 MX records", TOO_MANY_MX),
    ("Unknown mechanism", UNKNOWN_MECHANISM),
    ("Unknown qualifier", UNKNOWN_MECHANISM),
    ("Use the ip4 mechanism", UNKNOWN_MECHANISM),
    ("Missing IP4", UNKNOWN_MECHANISM),
    ("Invalid IP4 address", BAD_ADDRESS),
    ("Invalid IP6 address", BAD_ADDRESS),
    ("syntax error", BAD_ADDRESS),
    ("Invalid IP4 CIDR", BAD_CIDR),
    ("Invalid IP6 CIDR", BAD_CIDR),
    ("Dual CIDR not allowed", BAD_CIDR),
    ("CIDR not allowed", BAD_CIDR),
    ("Invalid domain", BAD_DOMAIN),
    ("empty domain", BAD_DOMAIN),
    ("redirect has empty domain", BAD_DOMAIN),
    ("exp has empty domain-spec", BAD_DOMAIN),
    ("include mechanism missing domain", BAD_DOMAIN),
    ("implicit exists not allowed", BAD_DOMAIN),
    ("invalid-macro-char", BAD_MACRO),
    ("Unknown Macro", BAD_MACRO),
    ("c,r,t macros", BAD_MACRO),
    ("redirect= MUST appear at most once", DUPLICATE_MODIFIER),
    ("Non-ascii", NON_ASCII),
)


def _permerror_code(message: str) -> str:
    for prefix, code in _PERMERROR_CODES:
        if message.startswith(prefix):
            return code
    return SYNTAX


@dataclass(frozen=True)
class SpfResult:
    result: str
    domain: str
    ip: str
    code: str | None = None  # why, for permerror/temperror (and "none": nxdomain/nodata)
    record: str = ""  # the record of `domain`
    mechanism: str = ""  # the term that decided, if any
    term: str = ""  # the offending term of a permerror, as written in the record
    explanation: str = ""  # the domain's own explanation (exp=) of a fail
    lookups: int = 0
    void_lookups: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Query(pyspf.query):
    """pyspf's query, asking DNS through our session (see the module docstring for the rest)."""

    def __init__(self, session: Session, *args: Any, **kwargs: Any):
        self.session = session
        self.temp_code: str | None = None
        self.top_record: str | None = None
        self._stack: list[str] = []
        super().__init__(*args, **kwargs)

    def dns(self, name, qtype, cnames=None, ignore_void=False):
        result = self.session.lookup(str(name), qtype)
        if is_temporary(result.error):
            self.temp_code = result.error
            raise pyspf.TempError(f"DNS {result.error}", name)
        values = [] if result.error in (INVALID_NAME, CNAME_LOOP) else _values(qtype, result.rdatas)
        if not values and not ignore_void:
            self.void_lookups += 1
            if self.void_lookups > VOID_LOOKUP_LIMIT:
                raise pyspf.PermError(f"Void lookup limit of {VOID_LOOKUP_LIMIT} exceeded", name)
        return values

    def dns_mx(self, domainname):
        exchanges = self.dns(domainname, "MX")
        if len(exchanges) > MX_NAME_LIMIT:
            raise pyspf.PermError(f"More than {MX_NAME_LIMIT} MX records returned", domainname)
        hosts = [host for _preference, host in sorted(exchanges) if host and host != "."]
        return [address for host in hosts for address in self.dns(host, self.A, ignore_void=True)]

    def validated_ptrs(self):
        names = self.dns_ptr(self.i)[: pyspf.MAX_PTR]
        return [name for name in names if self.cidrmatch(self.dns(name, self.A, ignore_void=True), self.cidrmax)]

    def dns_spf(self, domain):
        record = super().dns_spf(domain)
        if self.top_record is None:
            self.top_record = record or ""
        return record

    def check1(self, spf, domain, recursion):
        key = domain.lower().rstrip(".")
        if key in self._stack:
            raise pyspf.PermError("include loop", domain)
        self._stack.append(key)
        try:
            return super().check1(spf, domain, recursion)
        finally:
            self._stack.pop()


def _values(qtype: str, rdatas) -> list[Any]:
    """Answers in the shapes pyspf's own DNS drivers return."""
    if qtype in ("A", "AAAA"):
        return [r.address for r in rdatas]
    if qtype == "MX":
        return [(r.preference, r.exchange.to_text(omit_final_dot=True)) for r in rdatas]
    if qtype == "PTR":
        return [r.target.to_text(omit_final_dot=True) for r in rdatas]
    if qtype in ("TXT", "SPF"):
        return [list(r.strings) for r in rdatas]
    return []


def check_host(ip: str, domain: str, sender: str = "", *, session: Session | None = None, helo: str = "") -> SpfResult:
    """RFC 7208 check_host(): may `ip` send mail for `domain`? Never raises for DNS problems."""
    ipaddress.ip_address(ip)  # a ValueError for nonsense, before anything is asked
    session = session or Session()
    try:
        ascii_domain = to_ascii(domain)
    except InvalidDomain:
        return SpfResult(NONE, domain, ip, code=INVALID_NAME)
    query = _Query(session, ip, sender or f"postmaster@{ascii_domain}", helo or ascii_domain)
    query.d = ascii_domain
    outcome, _smtp_code, explanation = query.check()
    code = term = ""
    if outcome == PERMERROR:
        error = query.perm_error
        code = _permerror_code(error.msg if error else "")
        term = str(error.mech or "") if error else ""
    elif outcome == TEMPERROR:
        code = query.temp_code or "servfail"
    elif outcome == NONE:
        looked = session.lookup(ascii_domain, "TXT")
        code = looked.error or NODATA
    own_explanation = explanation if outcome == FAIL and explanation != pyspf.EXPLANATIONS[FAIL] else ""
    return SpfResult(
        outcome,
        ascii_domain,
        ip,
        code=code or None,
        record=query.top_record or "",
        mechanism=(query.mechanism or "") if outcome not in (PERMERROR, TEMPERROR, NONE) else "",
        term=term,
        explanation=own_explanation,
        lookups=query.lookups,
        void_lookups=query.void_lookups,
    )


def spf_suggestion(current: str | None, include: str | None = None) -> str:
    """The record to publish so that OKBNET's relays pass: the member's record with our include added."""
    term = f"include:{include or settings.OKBNET_SPF_INCLUDE}"
    if not current:
        return f"v=spf1 mx {term} ~all"
    terms = current.split()
    if term in terms:
        return current
    for index, item in enumerate(terms):
        if item.lower().lstrip("+-~?") == "all" or item.lower().startswith("redirect="):
            return " ".join([*terms[:index], term, *terms[index:]])
    return " ".join([*terms, term])


def final_all(record: str) -> str:
    """The qualifier of the record's `all` ("-", "~", "?", "+"), or "" when it has none."""
    for item in record.split():
        if item.lower().lstrip("+-~?") == "all":
            return item[0] if item[0] in "+-~?" else "+"
    return ""
