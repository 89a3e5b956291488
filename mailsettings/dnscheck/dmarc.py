"""DMARC (RFC 7489): the record at _dmarc.<domain> (or its organizational domain), its policy,
and whether each external report address has authorised the reports (§7.1)."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field
from typing import Any

from publicsuffixlist import PublicSuffixList

from .resolver import Session, is_temporary, txt_texts
from .tags import BadTags, first_tag, parse_tags

POLICIES = ("none", "quarantine", "reject")

NOT_PUBLISHED = "not_published"
MULTIPLE_RECORDS = "multiple_records"
SYNTAX = "syntax"
MISSING_POLICY = "missing_policy"
BAD_POLICY = "bad_policy"
BAD_PCT = "bad_pct"
BAD_ALIGNMENT = "bad_alignment"
BAD_REPORT_URI = "bad_report_uri"
REPORTS_NOT_AUTHORISED = "reports_not_authorised"


@functools.cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: no download at run time


def organizational_domain(domain: str) -> str:
    """RFC 7489 §3.2: the public suffix plus one label (the domain itself when unknown)."""
    return _psl().privatesuffix(domain.lower()) or domain.lower()


@dataclass(frozen=True)
class ReportAddress:
    uri: str
    address: str
    domain: str
    external: bool
    authorised: bool | None  # None: not external, or DNS failed
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DmarcResult:
    domain: str
    name: str  # where the record was found (or looked for)
    ok: bool
    code: str | None = None
    error: str | None = None  # a DNS error
    record: str = ""
    policy: str = ""
    subdomain_policy: str = ""
    pct: int | None = None
    rua: tuple[ReportAddress, ...] = ()
    ruf: tuple[ReportAddress, ...] = ()
    problems: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rua"] = [r.to_dict() for r in self.rua]
        data["ruf"] = [r.to_dict() for r in self.ruf]
        data["problems"] = list(self.problems)
        return data


def _records(name: str, session: Session) -> tuple[list[str], str | None]:
    looked = session.lookup(name, "TXT")
    return [t for t in txt_texts(looked) if first_tag(t) == ("v", "DMARC1")], looked.error


def _report_addresses(value: str, domain: str, session: Session) -> tuple[tuple[ReportAddress, ...], bool]:
    """The addresses of a rua/ruf tag, each external one checked for its authorisation record."""
    addresses, bad = [], False
    for raw in (part.strip() for part in value.split(",")):
        if not raw:
            continue
        if not raw.lower().startswith("mailto:") or "@" not in raw:
            bad = True
            continue
        address = raw[len("mailto:") :].split("!", 1)[0]
        target = address.rsplit("@", 1)[1].lower().rstrip(".")
        external = organizational_domain(target) != organizational_domain(domain)
        authorised, error = None, None
        if external:
            records, error = _records(f"{domain}._report._dmarc.{target}", session)
            authorised = bool(records) if not is_temporary(error) else None
        addresses.append(ReportAddress(raw, address, target, external, authorised, error if external else None))
    return tuple(addresses), bad


def dmarc_check(domain: str, *, session: Session) -> DmarcResult:
    name = f"_dmarc.{domain}"
    records, error = _records(name, session)
    org = organizational_domain(domain)
    if not records and not is_temporary(error) and org != domain:
        name = f"_dmarc.{org}"  # §6.6.3: fall back to the organizational domain's policy
        records, error = _records(name, session)
    if is_temporary(error):
        return DmarcResult(domain, name, ok=False, error=error)
    if not records:
        return DmarcResult(domain, name, ok=False, code=NOT_PUBLISHED, error=error)
    if len(records) > 1:
        return DmarcResult(domain, name, ok=False, code=MULTIPLE_RECORDS, record=" | ".join(records))
    record = records[0]
    try:
        tags = parse_tags(record)
    except BadTags:
        return DmarcResult(domain, name, ok=False, code=SYNTAX, record=record)
    problems = []
    policy = tags.get("p", "").lower()
    if not policy:
        problems.append(MISSING_POLICY)
    elif policy not in POLICIES:
        problems.append(BAD_POLICY)
    subdomain_policy = tags.get("sp", "").lower()
    if subdomain_policy and subdomain_policy not in POLICIES:
        problems.append(BAD_POLICY)
    pct = None
    if "pct" in tags:
        try:
            pct = int(tags["pct"])
        except ValueError:
            pct = -1
        if not 0 <= pct <= 100:
            problems.append(BAD_PCT)
            pct = None
    if any(tags.get(tag, "r").lower() not in ("r", "s") for tag in ("adkim", "aspf")):
        problems.append(BAD_ALIGNMENT)
    rua, bad_rua = _report_addresses(tags.get("rua", ""), domain, session)
    ruf, bad_ruf = _report_addresses(tags.get("ruf", ""), domain, session)
    if bad_rua or bad_ruf:
        problems.append(BAD_REPORT_URI)
    if any(r.external and r.authorised is False for r in (*rua, *ruf)):
        problems.append(REPORTS_NOT_AUTHORISED)
    dns_error = next((r.error for r in (*rua, *ruf) if is_temporary(r.error)), None)
    return DmarcResult(
        domain,
        name,
        ok=not problems and dns_error is None,
        code=problems[0] if problems else None,
        error=dns_error,
        record=record,
        policy=policy,
        subdomain_policy=subdomain_policy,
        pct=pct,
        rua=rua,
        ruf=ruf,
        problems=tuple(dict.fromkeys(problems)),
    )
