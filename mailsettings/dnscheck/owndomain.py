"""Own domains whose mail OKBNET hosts, checked as the best checkers do (checkdmarc, Modoboa's DNS
tools, internet.nl's mail test): every record a member's domain needs for OKBNET's mail service.

One session asks each question once; OKBNET's own names (relays, include, key, autoconfig host)
come from settings, read at call time (`okbnet_names()`), so a test may point them at its zones.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .dkimkeys import DkimKey, dkim_check
from .dmarc import DmarcResult, dmarc_check
from .mtasts import TxtPolicy, mta_sts_check, tls_rpt_check
from .resolver import Lookup, Session, is_temporary, to_ascii
from .spf import PASS, TEMPERROR, SpfResult, check_host, final_all, spf_suggestion
from .srv import SUBMISSION_SERVICES


def relay_addresses() -> tuple[str, ...]:
    """OKBNET's outgoing relays: the one list (settings.OKBNET_RELAY_ADDRESSES) every check uses."""
    return tuple(str(ipaddress.ip_address(a)) for a in settings.OKBNET_RELAY_ADDRESSES)


def okbnet_names() -> dict[str, Any]:
    """OKBNET's side of the records: what members' domains point to. Empty settings follow the mail domain."""
    domain = settings.OKBNET_MAIL_DOMAIN
    return {
        "mail_domain": domain,
        "gateway": f"gw.{domain}",
        "mx_hosts": [h.lower().rstrip(".") for h in (settings.OKBNET_MX_HOSTS or [f"mx.{domain}"])],
        "spf_include": settings.OKBNET_SPF_INCLUDE,
        "dkim_selectors": list(settings.OKBNET_DKIM_SELECTORS),
        "dkim_key_domain": settings.OKBNET_DKIM_KEY_DOMAIN or domain,
        "autoconfig_host": (settings.OKBNET_AUTOCONFIG_HOST or f"autoconfig.{domain}").lower().rstrip("."),
        "dmarc_rua": settings.OKBNET_DMARC_RUA or f"dmarc-reports@{domain}",
    }


@dataclass(frozen=True)
class OwnDomainCheck:
    domain: str
    gateway: Lookup  # A records of gw.<domain>
    gateway6: Lookup  # AAAA records
    gateway_ok: bool
    gateway_foreign: tuple[str, ...]  # addresses of gw.<domain> that are not OKBNET's relays
    mx: Lookup
    mx_ok: bool
    mx_foreign: tuple[str, ...]  # mail servers that are not OKBNET's
    spf: tuple[SpfResult, ...]  # one per relay address
    spf_ok: bool  # every relay passes, through OKBNET's include, and the record ends in -all or ~all
    spf_relays_pass: bool
    spf_include: bool
    spf_all: str  # the qualifier of the record's "all"
    dkim: tuple[DkimKey, ...]
    dkim_ok: bool
    dmarc: DmarcResult
    dmarc_ok: bool
    submission: tuple[Lookup, ...]  # _submission._tcp and _submissions._tcp SRV
    submission_ok: bool
    autoconfig: Lookup
    autoconfig_ok: bool
    mta_sts: TxtPolicy
    tls_rpt: TxtPolicy
    ttl: int | None
    error: str | None = None  # a DNS error that made the check incomplete (timeout, servfail)

    CHECKS = ("gateway_ok", "mx_ok", "spf_ok", "dkim_ok", "dmarc_ok", "submission_ok", "autoconfig_ok")

    @property
    def ok(self) -> bool:
        optional = all(p.ok is not False for p in (self.mta_sts, self.tls_rpt))
        return self.error is None and optional and all(getattr(self, name) for name in self.CHECKS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "gateway": self.gateway.to_dict(),
            "gateway6": self.gateway6.to_dict(),
            "gateway_ok": self.gateway_ok,
            "gateway_foreign": list(self.gateway_foreign),
            "mx": self.mx.to_dict(),
            "mx_ok": self.mx_ok,
            "mx_foreign": list(self.mx_foreign),
            "spf": [s.to_dict() for s in self.spf],
            "spf_ok": self.spf_ok,
            "spf_relays_pass": self.spf_relays_pass,
            "spf_include": self.spf_include,
            "spf_all": self.spf_all,
            "dkim": [d.to_dict() for d in self.dkim],
            "dkim_ok": self.dkim_ok,
            "dmarc": self.dmarc.to_dict(),
            "dmarc_ok": self.dmarc_ok,
            "submission": [s.to_dict() for s in self.submission],
            "submission_ok": self.submission_ok,
            "autoconfig": self.autoconfig.to_dict(),
            "autoconfig_ok": self.autoconfig_ok,
            "mta_sts": self.mta_sts.to_dict(),
            "tls_rpt": self.tls_rpt.to_dict(),
            "ok": self.ok,
            "ttl": self.ttl,
            "error": self.error,
        }


def _submission_ok(domain: str, lookups: tuple[Lookup, ...], names: dict[str, Any]) -> bool:
    """Both SRV records point at the gateway (gw.<domain>, or OKBNET's) on the right port."""
    gateways = {f"gw.{domain}", names["gateway"]}
    for (_service, port), looked in zip(SUBMISSION_SERVICES, lookups, strict=True):
        targets = [(str(r.target).rstrip(".").lower(), r.port) for r in looked.rdatas]
        if not targets or any(target not in gateways or got != port for target, got in targets):
            return False
    return True


def own_domain_check(domain: str, *, session: Session | None = None) -> OwnDomainCheck:
    session = session or Session()
    ascii_domain = to_ascii(domain)
    names = okbnet_names()
    relays = relay_addresses()
    relay_set = {ipaddress.ip_address(a) for a in relays}

    gateway = session.lookup(f"gw.{ascii_domain}", "A")
    gateway6 = session.lookup(f"gw.{ascii_domain}", "AAAA")
    addresses = [r.address for r in (*gateway.rdatas, *gateway6.rdatas)]
    foreign = tuple(a for a in addresses if ipaddress.ip_address(a) not in relay_set)

    mx = session.lookup(ascii_domain, "MX")
    exchanges = [str(r.exchange).rstrip(".").lower() for r in mx.rdatas if str(r.exchange) != "."]
    mx_foreign = tuple(e for e in exchanges if e not in names["mx_hosts"])

    spf = tuple(check_host(relay, ascii_domain, session=session) for relay in relays)
    record = next((s.record for s in spf if s.record), "")
    relays_pass = bool(spf) and all(s.result == PASS for s in spf)
    include = f"include:{names['spf_include']}".lower() in record.lower().split()
    qualifier = final_all(record)

    dkim = dkim_check(ascii_domain, names["dkim_selectors"], session=session)
    dmarc = dmarc_check(ascii_domain, session=session)
    submission = tuple(session.lookup(f"{service}.{ascii_domain}", "SRV") for service, _port in SUBMISSION_SERVICES)
    autoconfig = session.lookup(f"autoconfig.{ascii_domain}", "A")
    if ascii_domain == names["mail_domain"] or names["autoconfig_host"] in autoconfig.cname_chain:
        autoconfig_ok = autoconfig.ok
    else:  # not a CNAME to OKBNET's host: its addresses must be the host's
        host = session.lookup(names["autoconfig_host"], "A")
        autoconfig_ok = autoconfig.ok and host.ok and set(autoconfig.records) == set(host.records)
    mta_sts = mta_sts_check(ascii_domain, session=session)
    tls_rpt = tls_rpt_check(ascii_domain, session=session)

    lookups = (gateway, gateway6, mx, *submission, autoconfig)
    errors = [item.error for item in lookups if is_temporary(item.error)]
    errors += [s.code for s in spf if s.result == TEMPERROR]
    errors += [d.error for d in dkim if is_temporary(d.error)]
    errors += [item.error for item in (dmarc, mta_sts, tls_rpt) if is_temporary(item.error)]
    ttl = min((item.ttl for item in lookups if item.ttl is not None), default=None)
    return OwnDomainCheck(
        domain=ascii_domain,
        gateway=gateway,
        gateway6=gateway6,
        gateway_ok=bool(addresses) and not foreign,
        gateway_foreign=foreign,
        mx=mx,
        mx_ok=bool(exchanges) and not mx_foreign,
        mx_foreign=mx_foreign,
        spf=spf,
        spf_ok=relays_pass and include and qualifier in ("-", "~"),
        spf_relays_pass=relays_pass,
        spf_include=include,
        spf_all=qualifier,
        dkim=dkim,
        dkim_ok=bool(dkim) and all(d.ok for d in dkim),
        dmarc=dmarc,
        dmarc_ok=dmarc.ok,
        submission=submission,
        submission_ok=_submission_ok(ascii_domain, submission, names),
        autoconfig=autoconfig,
        autoconfig_ok=autoconfig_ok,
        mta_sts=mta_sts,
        tls_rpt=tls_rpt,
        ttl=ttl,
        error=errors[0] if errors else None,
    )


def own_domain_spf_suggestion(check: OwnDomainCheck) -> str:
    record = next((s.record for s in check.spf if s.record), None)
    suggestion = spf_suggestion(record, okbnet_names()["spf_include"])
    # A record that lets anyone else pass (+all, ?all, or no all at all) should end in ~all.
    terms = suggestion.split()
    if final_all(suggestion) in ("+", "?"):
        terms = [t if t.lower().lstrip("+-~?") != "all" else "~all" for t in terms]
    elif not final_all(suggestion) and not any(t.lower().startswith("redirect=") for t in terms):
        terms.append("~all")
    return " ".join(terms)
