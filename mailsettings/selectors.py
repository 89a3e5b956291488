"""Reads of stored DNS facts, shaped for pages and the call-center API (texts in the active language)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Member

from . import dnscheck, domains, op25b, smtpprobe
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


def provider_source_text(source: str | None, *, pending: bool = False) -> str:
    """Where the verdict's provider_submission came from, in words."""
    if not source and pending:
        return _("Not known yet: we are checking your provider now.")
    return {
        "member": _("You told us."),
        "dns": _("Found in your provider's DNS (SRV records, RFC 6186/8314)."),
        "catalogue": _("From OKBNET's list of common providers."),
        "probe": _("We tried your provider's outgoing server for you."),
    }.get(source or "", _("Not found: neither your provider's DNS nor our list of providers says."))


def provider_check(inputs: op25b.Inputs, verdict: dict[str, Any], facts: dict[str, Any] | None) -> dict[str, Any]:
    """What the pages show about the provider: the source in words, whether a check is running
    (the page then polls `poll_query` and updates itself), and the latest probe in words."""
    pending = bool(facts and facts["pending"])
    probe = facts.get("probe") if facts else None
    query = urlencode({"domain": inputs.provider_domain, "host": inputs.provider_host})
    return {
        "shown": bool(verdict.get("provider_submission_source") or facts),
        "source": verdict.get("provider_submission_source") or "",
        "source_text": provider_source_text(verdict.get("provider_submission_source"), pending=pending),
        "pending": pending,
        "limited": bool(facts and facts["limited"]),
        "poll_query": query,
        "domain": facts["domain"] if facts else "",
        "probe": probe_in_words(probe) if probe is not None and probe.result else None,
    }


def probe_in_words(probe) -> dict[str, Any]:
    """A stored submission probe as lines a member can read (no codes)."""
    result = probe.result
    host = dnscheck.to_unicode(result.get("host") or probe.name)
    problem = {
        smtpprobe.NOT_RESOLVED: lambda: _("The server %(host)s was not found in DNS.") % {"host": host},
        smtpprobe.ADDRESS_REFUSED: lambda: (
            _("The server %(host)s points to a private or reserved network address, so we did not try it.")
            % {"host": host}
        ),
        smtpprobe.RATE_LIMITED: lambda: _("This server was tried many times recently. We will try it again later."),
    }.get(result.get("error") or "")
    return {
        "host": host,
        "checked_at": probe.checked_at,
        "problem": problem() if problem else "",
        "ports": [
            {"port": p["port"], "ok": p["outcome"] == smtpprobe.OK, "text": _port_in_words(p)}
            for p in result.get("ports", [])
        ],
    }


def _port_in_words(port: dict[str, Any]) -> str:
    values = {"port": port["port"], "version": port.get("tls_version") or ""}
    if port["outcome"] == smtpprobe.OK:
        return (
            _("Port %(port)s: answers, with encryption (%(version)s) and log-in (SMTP AUTH). You can send through it.")
            % values
        )
    return {
        smtpprobe.CONNECTION_REFUSED: lambda: _("Port %(port)s: the server does not accept connections."),
        smtpprobe.TIMEOUT: lambda: _("Port %(port)s: no answer in time."),
        smtpprobe.UNREACHABLE: lambda: _("Port %(port)s: the server could not be reached."),
        smtpprobe.NOT_SMTP: lambda: _("Port %(port)s: the server did not answer as a mail server does."),
        smtpprobe.NO_STARTTLS: lambda: _("Port %(port)s: the server offers no encryption (STARTTLS)."),
        smtpprobe.NO_AUTH: lambda: _(
            "Port %(port)s: the server does not offer log-in (SMTP AUTH), so it cannot be used to send."
        ),
        smtpprobe.TLS_FAILED: lambda: _("Port %(port)s: the encrypted connection failed."),
        smtpprobe.CERTIFICATE_INVALID: lambda: _(
            "Port %(port)s: the server's certificate is not valid for its name, or has expired. "
            "Mail programs warn about it or refuse it."
        ),
    }.get(port.get("error") or "", lambda: _("Port %(port)s: could not be checked."))() % values


# --------------------------------------------------------------------------- results in words


def _all_ok(kind: str, result: dict[str, Any] | None) -> bool | None:
    if not result:
        return None
    if kind == DnsCheck.Kind.OWN_DOMAIN:
        if result.get("error"):
            return None
        if "ok" in result:
            return bool(result["ok"])
        return bool(result["gateway_ok"] and result["mx_ok"] and result["spf_ok"])  # stored before DKIM/DMARC
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
    dnscheck.UNKNOWN_MECHANISM: lambda: _("Your SPF record contains a word that SPF does not know."),
    dnscheck.BAD_ADDRESS: lambda: _(
        "An IP address in your SPF record is not written correctly (for example a missing part, a port "
        "number, or a line break inside the record)."
    ),
    dnscheck.BAD_CIDR: lambda: _("A network size (/number) in your SPF record is not allowed there or is too large."),
    dnscheck.BAD_DOMAIN: lambda: _("A domain name in your SPF record is missing or not written correctly."),
    dnscheck.BAD_MACRO: lambda: _("Your SPF record uses a % macro that does not exist."),
    dnscheck.DUPLICATE_MODIFIER: lambda: _("Your SPF record has redirect= more than once."),
    dnscheck.NON_ASCII: lambda: _("Your SPF record contains characters other than ASCII."),
}


def spf_problem_text(code: str | None, term: str = "") -> str:
    """A permerror in words, naming the term receivers stumble on."""
    text = SPF_PROBLEMS.get(code or "", lambda: _("Your SPF record cannot be evaluated."))()
    if term:
        shown = term.replace("\r", "\\r").replace("\n", "\\n")
        text += " " + _("The problem is at: %(term)s") % {"term": shown}
    return text


def describe(kind: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored result as facts a member can read: what was found, whether it is right, what to do."""
    if kind == DnsCheck.Kind.PROVIDER:
        return [_describe_provider(result)]
    facts = [_describe_gateway(result), _describe_mx(result), _describe_spf(result)]
    if "dkim" in result:  # results stored before these checks have none of them
        facts += [
            _describe_dkim(result),
            _describe_dmarc(result),
            _describe_submission(result),
            _describe_autoconfig(result),
            *_describe_optional(result),
        ]
    return facts


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
        return _fact("mx", True, _("The domain's mail goes to OKBNET's mail servers."), records=records)
    if result.get("mx_foreign"):
        return _fact(
            "mx",
            False,
            _("The domain's mail goes to servers that are not OKBNET's."),
            _("Mail servers found: %(hosts)s") % {"hosts": ", ".join(result["mx_foreign"])},
            _("Set the MX records to OKBNET's mail servers: %(hosts)s")
            % {"hosts": ", ".join(dnscheck.okbnet_names()["mx_hosts"])},
            records,
        )
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
        detail = spf_problem_text(code, worst.get("term", ""))
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
    if result.get("spf_relays_pass"):
        if not result.get("spf_include"):
            detail = _(
                "OKBNET's relays pass, but not through OKBNET's include: when OKBNET changes its relays, your record will be wrong."
            )
        else:
            detail = _("The record does not end in -all or ~all, so it says nothing against other senders.")
        return _fact(
            "spf",
            False,
            _("The SPF record should be tightened."),
            detail,
            _("Change the TXT record at %(domain)s to: %(record)s") % {"domain": domain, "record": suggestion},
            records,
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


def _zone_line(domain: str, wanted: str) -> str:
    """The snippet's line(s) for one kind of record: the fix, ready to paste."""
    lines = [line for line in dnscheck.zone_snippet(domain).splitlines() if line.startswith(wanted)]
    return "\n".join(lines)


DKIM_PROBLEMS = {
    "not_published": lambda: _("The DKIM key is not published."),
    "multiple_records": lambda: _("There is more than one DKIM key record for this selector."),
    "revoked": lambda: _("The DKIM key record is empty (the key was revoked)."),
    "bad_key": lambda: _("The DKIM key record cannot be read as a key."),
    "weak_key": lambda: _("The DKIM key is too short (less than 1024 bits); receivers ignore it."),
}


def _describe_dkim(result: dict[str, Any]) -> dict[str, Any]:
    keys = result.get("dkim") or []
    records = [k["name"] for k in keys]
    if result.get("dkim_ok"):
        return _fact("dkim", True, _("DKIM: OKBNET's signing key is published."), records=records)
    if any(dnscheck.is_temporary(k.get("error")) for k in keys):
        return _fact("dkim", None, _("DKIM could not be checked now."), _lookup_problem({"error": "timeout"}))
    bad = next((k for k in keys if not k["ok"]), None)
    detail = DKIM_PROBLEMS.get(bad["code"], DKIM_PROBLEMS["bad_key"])() if bad else ""
    return _fact(
        "dkim",
        False,
        _("DKIM: mail from your domain cannot be signed by OKBNET."),
        detail,
        _("Publish this record (a CNAME, so OKBNET can renew the key): %(record)s")
        % {"record": _zone_line(result["domain"], tuple(f"{k['selector']}._domainkey" for k in keys) or "-")},
        records,
    )


DMARC_PROBLEMS = {
    "not_published": lambda: _("The domain publishes no DMARC record."),
    "multiple_records": lambda: _("The domain publishes more than one DMARC record; receivers ignore them all."),
    "syntax": lambda: _("The DMARC record cannot be read (a tag appears twice or is malformed)."),
    "missing_policy": lambda: _("The DMARC record has no policy (p=)."),
    "bad_policy": lambda: _("The DMARC policy must be none, quarantine or reject."),
    "bad_pct": lambda: _("pct= must be a number from 0 to 100."),
    "bad_alignment": lambda: _("adkim= and aspf= must be r or s."),
    "bad_report_uri": lambda: _("A report address must be written as mailto:address."),
    "reports_not_authorised": lambda: _(
        "A report address is at another organisation's domain that has not agreed to receive your "
        "reports (RFC 7489 §7.1), so no reports will be sent there."
    ),
}

DMARC_POLICY_TEXT = {
    "none": lambda: _("Policy: none (receivers only report; good for a start)."),
    "quarantine": lambda: _("Policy: quarantine (receivers put failing mail in spam)."),
    "reject": lambda: _("Policy: reject (receivers refuse failing mail)."),
}


def _describe_dmarc(result: dict[str, Any]) -> dict[str, Any]:
    dmarc = result.get("dmarc") or {}
    records = [dmarc["record"]] if dmarc.get("record") else []
    policy = DMARC_POLICY_TEXT.get(dmarc.get("policy", ""), lambda: "")()
    if result.get("dmarc_ok"):
        return _fact("dmarc", True, _("DMARC is published."), policy, records=records)
    if dnscheck.is_temporary(dmarc.get("error")):
        return _fact("dmarc", None, _("DMARC could not be checked now."), _lookup_problem(dmarc))
    detail = " ".join(DMARC_PROBLEMS.get(code, DMARC_PROBLEMS["syntax"])() for code in dmarc.get("problems") or [])
    if not detail:
        detail = DMARC_PROBLEMS.get(dmarc.get("code") or "", DMARC_PROBLEMS["not_published"])()
    unauthorised = [r for r in (*dmarc.get("rua", []), *dmarc.get("ruf", [])) if r.get("authorised") is False]
    if unauthorised:
        detail += " " + _("Not authorised: %(addresses)s") % {
            "addresses": ", ".join(r["address"] for r in unauthorised)
        }
        advice = _(
            "Ask the owner of %(domains)s to publish a TXT record “v=DMARC1” at %(name)s, or send the reports to "
            "an address at your own domain."
        ) % {
            "domains": ", ".join(sorted({r["domain"] for r in unauthorised})),
            "name": f"{result['domain']}._report._dmarc.{unauthorised[0]['domain']}",
        }
    else:
        advice = _("Publish this record to start with (reports only, nothing is refused): %(record)s") % {
            "record": _zone_line(result["domain"], "_dmarc")
        }
    return _fact(
        "dmarc",
        False,
        _("The DMARC record needs attention."),
        " ".join(p for p in (detail, policy) if p),
        advice,
        records,
    )


def _describe_submission(result: dict[str, Any]) -> dict[str, Any]:
    lookups = result.get("submission") or []
    records = [r for lookup in lookups for r in lookup.get("records", [])]
    if result.get("submission_ok"):
        return _fact("submission", True, _("Mail programs can find the sending server (SRV records)."), records=records)
    return _fact(
        "submission",
        False,
        _("Mail programs cannot find the sending server (SRV records are missing or point elsewhere)."),
        "",
        _("Publish these records: %(records)s")
        % {"records": _zone_line(result["domain"], ("_submission._tcp", "_submissions._tcp"))},
        records,
    )


def _describe_autoconfig(result: dict[str, Any]) -> dict[str, Any]:
    lookup = result.get("autoconfig") or {}
    records = lookup.get("records", [])
    if result.get("autoconfig_ok"):
        return _fact("autoconfig", True, _("Mail programs can set themselves up (autoconfig)."), records=records)
    return _fact(
        "autoconfig",
        False,
        _("Automatic set-up of mail programs does not work for this domain."),
        _lookup_problem(lookup),
        _("Publish this record: %(record)s") % {"record": _zone_line(result["domain"], "autoconfig")},
        records,
    )


TXT_POLICY_PROBLEMS = {
    "multiple_records": lambda: _("More than one record is published; senders ignore them all."),
    "syntax": lambda: _("The record cannot be read (wrong version or malformed tags)."),
    "bad_id": lambda: _("The id= must be 1 to 32 letters and digits."),
    "missing_rua": lambda: _("The record names no report address (rua=)."),
    "bad_report_uri": lambda: _("A report address must start with mailto: or https://."),
}


def _describe_optional(result: dict[str, Any]) -> list[dict[str, Any]]:
    """MTA-STS and TLS-RPT: judged only when the domain publishes them."""
    facts = []
    titles = {
        "mta_sts": (_("MTA-STS is published."), _("The MTA-STS record is broken.")),
        "tls_rpt": (_("TLS reporting (TLS-RPT) is published."), _("The TLS-RPT record is broken.")),
    }
    for key in ("mta_sts", "tls_rpt"):
        policy = result.get(key) or {}
        if not policy.get("present"):
            continue
        good, bad = titles[key]
        records = [policy["record"]] if policy.get("record") else []
        if policy.get("ok"):
            facts.append(_fact(key, True, good, records=records))
        else:
            detail = TXT_POLICY_PROBLEMS.get(policy.get("code") or "", TXT_POLICY_PROBLEMS["syntax"])()
            facts.append(_fact(key, False, bad, detail, _("Correct the record, or remove it."), records))
    return facts


def zone_snippet_for(domain: str) -> dict[str, str] | None:
    """The records a domain should publish, for the copy box on the member's and staff pages."""
    try:
        name = dnscheck.to_ascii(domain)
    except dnscheck.InvalidDomain:
        return None
    return {"domain": name, "domain_display": dnscheck.to_unicode(name), "text": dnscheck.zone_snippet(name)}


def own_domain_panel(domain: str) -> dict[str, Any] | None:
    """The stored DNS facts and the records to publish of one domain (one query), or None."""
    snippet = zone_snippet_for(domain) if domain else None
    if snippet is None:
        return None
    return {"dns": dns_facts(domain=domain, kind=DnsCheck.Kind.OWN_DOMAIN), "snippet": snippet}


def member_own_domain_panel(member) -> dict[str, Any] | None:
    """The member's own domain (from their address), for /mypage/ and the staff screens."""
    return own_domain_panel(own_domain_of(member.mail_address))
