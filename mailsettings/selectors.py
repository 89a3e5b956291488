"""Reads of stored DNS facts, shaped for pages and the call-center API (texts in the active language)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Member

from . import dnscheck, domains, op25b
from .models import DnsCheck, MailSetup
from .services import HISTORY_KEEP, mail_setup_verdict


def get_mail_setup_for_member(member: Member, setup_id: int) -> MailSetup:
    """The member's own setup; 404 for anyone else's (the one place setups are fetched by id)."""
    return get_object_or_404(MailSetup.objects.select_related("member__plan"), id=setup_id, member=member)


def mail_setups_with_verdicts(member: Member) -> list[tuple[MailSetup, dict[str, Any]]]:
    """The member's setups, each with its verdict computed now (one query whatever the number)."""
    setups = MailSetup.objects.filter(member=member).select_related("member__plan").order_by("id")
    return [(setup, mail_setup_verdict(setup=setup)) for setup in setups]


def dns_facts(*, domain: str, kind: str) -> dict[str, Any]:
    """The stored DNS facts of one domain (one query): state, the latest result in words, history.

    `state` is "never_checked", "pending" (queued or running, nothing stored yet), "checked"
    or "invalid" (not a domain). `refreshing` says a newer check is on its way.
    """
    try:
        name = dnscheck.to_ascii(domain)
    except dnscheck.InvalidDomain:
        return {
            "domain": domain,
            "domain_display": domain,
            "kind": kind,
            "state": "invalid",
            "facts": [],
            "history": [],
        }
    checks = list(DnsCheck.objects.filter(domain=name, kind=kind)[: HISTORY_KEEP + 1])
    done = [c for c in checks if c.status == DnsCheck.Status.DONE]
    pending = any(c.status in DnsCheck.OPEN for c in checks)
    latest = done[0] if done else None
    if latest is not None:
        state = "checked"
    elif pending:
        state = "pending"
    else:
        state = "never_checked"
    return {
        "domain": name,
        "domain_display": dnscheck.to_unicode(name),
        "kind": kind,
        "state": state,
        "refreshing": pending and latest is not None,
        "checked_at": latest.checked_at if latest else None,
        "expires_at": latest.expires_at if latest else None,
        "expired": bool(latest and latest.expires_at and latest.expires_at <= timezone.now()),
        "ok": _all_ok(kind, latest.result) if latest else None,
        "facts": describe(kind, latest.result) if latest else [],
        "history": [{"checked_at": c.checked_at, "ok": _all_ok(kind, c.result)} for c in done[1:]],
    }


def own_domain_of(address: str) -> str:
    """The own domain of an address when OKBNET hosts it (the registry), else "" (OKBNET's own
    domain, another provider's, no address)."""
    domain = domains.domain_of(address)
    if not domain or domain == settings.OKBNET_MAIL_DOMAIN or not domains.is_okbnet_domain(domain):
        return ""
    return domain


def member_dns_facts(member) -> list[dict[str, Any]]:
    """The DNS facts that belong with a member (the call-center API returns them with the member)."""
    facts = []
    domain = own_domain_of(member.mail_address)
    if domain:
        facts.append(dns_facts(domain=domain, kind=DnsCheck.Kind.OWN_DOMAIN))
    return facts


def okbnet_dns_facts() -> dict[str, Any]:
    """OKBNET's own domain, checked like a member's (gw, MX, SPF for the relays): for staff pages.
    Queue a fresh check with services.dns_check_request(domain=settings.OKBNET_MAIL_DOMAIN, kind="own_domain")."""
    return dns_facts(domain=settings.OKBNET_MAIL_DOMAIN, kind=DnsCheck.Kind.OWN_DOMAIN)


def provider_source_text(source: str | None) -> str:
    """Where the verdict's provider_submission came from, in words."""
    return {
        "member": _("You told us."),
        "dns": _("Found in your provider's DNS (SRV records, RFC 6186/8314)."),
        "catalogue": _("From OKBNET's list of common providers."),
    }.get(source or "", _("Not found: neither your provider's DNS nor our list of providers says."))


# --------------------------------------------------------------------------- results in words


def _all_ok(kind: str, result: dict[str, Any] | None) -> bool | None:
    if not result:
        return None
    if kind == DnsCheck.Kind.OWN_DOMAIN:
        if result.get("error"):
            return None
        return bool(result["gateway_ok"] and result["mx_ok"] and result["spf_ok"])
    return result.get("support") not in ("unknown", None)


def _fact(key: str, ok: bool | None, title: str, detail: str = "", advice: str = "", records=()) -> dict[str, Any]:
    return {"key": key, "ok": ok, "title": title, "detail": detail, "advice": advice, "records": list(records)}


def _lookup_problem(lookup: dict[str, Any]) -> str:
    return {
        dnscheck.NXDOMAIN: _("The name does not exist in DNS."),
        dnscheck.NODATA: _("The name exists but has no record of this type."),
        dnscheck.TIMEOUT: _("The DNS servers did not answer in time. We will try again later."),
        dnscheck.SERVFAIL: _("The DNS servers answered with an error. We will try again later."),
        dnscheck.CNAME_LOOP: _("The CNAME records point in a circle."),
        dnscheck.INVALID_NAME: _("This is not a valid domain name."),
    }.get(lookup.get("error") or "", "")


SPF_PROBLEMS = {
    dnscheck.MULTIPLE_RECORDS: lambda: _(
        "The domain publishes more than one SPF record. Receiving servers treat that as an error "
        "and may refuse your mail. Merge them into one TXT record."
    ),
    dnscheck.TOO_MANY_LOOKUPS: lambda: _(
        "Checking your SPF record needs more than 10 DNS look-ups, the limit every receiver applies. "
        "Remove include: entries you no longer use, or replace them with ip4:/ip6: ranges."
    ),
    dnscheck.VOID_LOOKUP_LIMIT_CODE: lambda: _(
        "Your SPF record names more than two hosts or domains that do not exist. Remove them."
    ),
    dnscheck.INCLUDE_LOOP: lambda: _("Your SPF record includes itself (directly or through another domain)."),
    dnscheck.INCLUDE_WITHOUT_SPF: lambda: _(
        "Your SPF record includes or redirects to a domain that has no SPF record."
    ),
    dnscheck.SYNTAX: lambda: _("Your SPF record has a syntax error."),
    dnscheck.TOO_MANY_MX: lambda: _("The mx mechanism of your SPF record finds more than 10 mail servers."),
}


def describe(kind: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored result as facts a member can read: what was found, whether it is right, what to do."""
    if kind == DnsCheck.Kind.PROVIDER:
        return [_describe_provider(result)]
    return [_describe_gateway(result), _describe_mx(result), _describe_spf(result)]


def _describe_provider(result: dict[str, Any]) -> dict[str, Any]:
    support = result.get("support")
    records = [r for lookup in result.get("lookups", []) for r in lookup.get("records", [])]
    if support in (None, "unknown"):
        problems = {_lookup_problem(lookup) for lookup in result.get("lookups", []) if lookup.get("error")}
        detail = " ".join(sorted(p for p in problems if p))
        return _fact("provider", None, _("The provider publishes no submission SRV records."), detail, records=records)
    label = op25b.ProviderSubmission(support).label
    detail = _("Outgoing server: %(host)s") % {"host": result["host"]} if result.get("host") else ""
    return _fact("provider", True, _("Submission ports in DNS: %(ports)s") % {"ports": label}, detail, records=records)


def _describe_gateway(result: dict[str, Any]) -> dict[str, Any]:
    name = f"gw.{dnscheck.to_unicode(result['domain'])}"
    records = [*result["gateway"]["records"], *result["gateway6"]["records"]]
    chain = result["gateway"].get("cname_chain") or []
    via = " → ".join(chain) if len(chain) > 1 else ""
    target = op25b.gateway_host()
    if result["gateway_ok"]:
        detail = _("Through: %(chain)s") % {"chain": via} if via else ""
        return _fact(
            "gateway", True, _("%(name)s points to OKBNET's relays.") % {"name": name}, detail, records=records
        )
    advice = _("Set this record: %(name)s. CNAME %(target)s.") % {"name": name, "target": target}
    if result["gateway_foreign"]:
        detail = _("It points to %(addresses)s, which are not OKBNET's relays.") % {
            "addresses": ", ".join(result["gateway_foreign"])
        }
    else:
        detail = _lookup_problem(result["gateway"]) or _lookup_problem(result["gateway6"])
    return _fact(
        "gateway", False, _("%(name)s does not point to OKBNET's relays.") % {"name": name}, detail, advice, records
    )


def _describe_mx(result: dict[str, Any]) -> dict[str, Any]:
    records = result["mx"]["records"]
    if result["mx_ok"]:
        return _fact("mx", True, _("The domain has MX records (mail to it can be delivered)."), records=records)
    return _fact(
        "mx",
        False,
        _("The domain has no MX record."),
        _lookup_problem(result["mx"]),
        _("Add the MX record given in your OKBNET domain contract, or mail sent to your addresses will not arrive."),
        records,
    )


def _describe_spf(result: dict[str, Any]) -> dict[str, Any]:
    spf = result["spf"]
    record = next((s["record"] for s in spf if s["record"]), "")
    records = [record] if record else []
    suggestion = result.get("spf_suggestion", "")
    if result["spf_ok"]:
        return _fact("spf", True, _("SPF authorises OKBNET's relays."), records=records)
    worst = next((s for s in spf if s["result"] in ("permerror", "temperror")), spf[0] if spf else None)
    if worst is None:
        return _fact("spf", None, _("No relay address is configured to check SPF against."))
    outcome, code = worst["result"], worst.get("code")
    if outcome == "temperror":
        return _fact("spf", None, _("SPF could not be checked now."), _lookup_problem({"error": code}))
    if outcome == "permerror":
        detail = SPF_PROBLEMS.get(code, lambda: _("Your SPF record cannot be evaluated."))()
        return _fact(
            "spf",
            False,
            _("The SPF record is broken (receivers treat it as an error)."),
            detail,
            _("When it is fixed, make sure it contains %(include)s.")
            % {"include": f"include:{settings.OKBNET_SPF_INCLUDE}"},
            records,
        )
    domain = dnscheck.to_unicode(result["domain"])
    if outcome == "none":
        return _fact(
            "spf",
            False,
            _("The domain publishes no SPF record."),
            _("Receivers cannot tell that OKBNET's relays may send mail for %(domain)s.") % {"domain": domain},
            _("Publish this TXT record at %(domain)s: %(record)s") % {"domain": domain, "record": suggestion},
        )
    failed = ", ".join(s["ip"] for s in spf if s["result"] != "pass")
    return _fact(
        "spf",
        False,
        _("SPF does not authorise OKBNET's relays."),
        _("For %(addresses)s the result is “%(result)s”: receivers may reject or mark your mail as spam.")
        % {"addresses": failed, "result": outcome},
        _("Change the TXT record at %(domain)s to: %(record)s") % {"domain": domain, "record": suggestion},
        records,
    )
