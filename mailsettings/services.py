"""Entry points for verdicts and DNS checks: every interface (page, API, task) goes through here."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from okbnet_portal.enqueue import enqueue_on_commit
from okbnet_portal.errors import InvalidInput
from okbnet_portal.states import transition

from . import dnscheck, domains, op25b, providers, stats
from .models import DnsCheck, MailSetup
from .tasks import run_dns_check

if TYPE_CHECKING:
    from accounts.models import Member

PROVIDER_DNS_BUDGET = 3.0  # seconds for all DNS questions of one verdict (DESIGN §7)
_CACHE_MIN, _CACHE_MAX, _CACHE_ERROR = 30, 3600, 60


def clean_inputs(data: dict[str, Any]) -> op25b.Inputs:
    """op25b.clean_inputs() with the registry of own domains: the one validator of every interface
    (form, API, saved setups). Raises InvalidInput with field errors."""
    return op25b.clean_inputs(data, is_okbnet_domain=domains.is_okbnet_domain)


def setup_inputs(setup: MailSetup) -> op25b.Inputs:
    """A saved setup's inputs. An address whose own domain has left the registry since it was
    saved no longer gives a gateway of its own: the setup is judged with OKBNET's gateway."""
    data = setup.inputs_data()
    try:
        return clean_inputs(data)
    except InvalidInput as exc:
        if set(exc.errors) != {"okbnet_address"} or not getattr(exc, "foreign_domain", ""):
            raise
        return clean_inputs({**data, "okbnet_address": ""})


def verdict_give(
    inputs: op25b.Inputs | Mapping[str, Any], *, counted: bool
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The one entry point to a verdict: the verdict object of DESIGN §7, and what DNS or the
    catalogue said about the provider (None: not asked).

    `inputs` are validated `Inputs` or raw data (API body), which is validated first (raises
    InvalidInput with field errors). When the member does not know whether their provider
    accepts 587/465 and the answer would change the verdict, the provider's DNS (RFC 6186 SRV)
    and then the catalogue are asked. `counted`: a verdict someone asked for (the API and
    /check/) goes into the staff dashboard's statistics; re-showing a saved setup does not.
    """
    if not isinstance(inputs, op25b.Inputs):
        inputs = clean_inputs(inputs)
    inputs, facts = provider_inputs(inputs)
    verdict = op25b.decide(inputs)
    if counted:
        stats.verdict_record(verdict["verdict"])
    return verdict, facts


def _needs_provider_support(inputs: op25b.Inputs) -> bool:
    if inputs.provider_submission != op25b.ProviderSubmission.UNKNOWN:
        return False
    if not (inputs.provider_domain or inputs.provider_host):
        return False
    # Only when the matching row of the table depends on it (the table is the one source).
    return "provider_submission" in op25b.match(inputs).when


def provider_domains(*, domain: str = "", host: str = "") -> list[str]:
    """Where to look for SRV records: the address domain, else the domain of the outgoing host."""
    candidates = []
    if domain:
        candidates.append(domain)
    if host:
        labels = host.split(".")
        candidates.append(".".join(labels[1:]) if len(labels) > 2 else host)
    result = []
    for name in candidates:
        try:
            ascii_name = dnscheck.to_ascii(name)
        except dnscheck.InvalidDomain:
            continue
        if ascii_name not in result:
            result.append(ascii_name)
    return result


def provider_submission_lookup(*, domain: str = "", host: str = "") -> dict[str, Any]:
    """What DNS, then the catalogue, say about a provider's submission ports (cached by TTL).

    Returns {"support", "source" ("dns", "catalogue" or None), "host", "domain", "error"}.
    """
    session = dnscheck.Session(dnscheck.make_resolver(), budget=PROVIDER_DNS_BUDGET)
    error = None
    for name in provider_domains(domain=domain, host=host):
        key = f"okbnet:dns:submission:{name}"
        found = cache.get(key)
        if found is None:
            result = dnscheck.submission_support(name, session=session)
            found = result.to_dict()
            if result.error in (dnscheck.TIMEOUT, dnscheck.SERVFAIL):
                timeout = _CACHE_ERROR
            else:
                timeout = min(max(result.ttl or _CACHE_MIN, _CACHE_MIN), _CACHE_MAX)
            cache.set(key, found, timeout)
        if found["support"] != op25b.ProviderSubmission.UNKNOWN:
            return {"support": found["support"], "source": "dns", "host": found["host"], "domain": name, "error": None}
        if found["error"] not in (dnscheck.NXDOMAIN, dnscheck.NODATA):
            error = error or found["error"]
    entry = providers.find(domain=_ascii_or_empty(domain), host=_ascii_or_empty(host))
    if entry is not None:
        return {"support": entry.submission, "source": "catalogue", "host": entry.host, "domain": "", "error": None}
    return {"support": op25b.ProviderSubmission.UNKNOWN, "source": None, "host": "", "domain": "", "error": error}


def _ascii_or_empty(name: str) -> str:
    """The A-label form for the catalogue, or "" for nothing usable."""
    try:
        return dnscheck.to_ascii(name) if name else ""
    except dnscheck.InvalidDomain:
        return ""


def provider_inputs(inputs: op25b.Inputs) -> tuple[op25b.Inputs, dict[str, Any] | None]:
    """The inputs with provider_submission filled from DNS or the catalogue when possible."""
    if not _needs_provider_support(inputs):
        return inputs, None
    facts = provider_submission_lookup(domain=inputs.provider_domain, host=inputs.provider_host)
    if facts["source"] is None:
        return inputs, facts
    return (
        dataclasses.replace(
            inputs,
            provider_submission=facts["support"],
            provider_submission_source=facts["source"],
            provider_host=inputs.provider_host or facts["host"],
        ),
        facts,
    )


# --------------------------------------------------------------------------- stored DNS checks

HISTORY_KEEP = 10  # finished checks kept per domain and kind
STALE_RUNNING = timedelta(minutes=5)  # a running check older than this lost its worker
TTL_MIN, TTL_MAX, TTL_ERROR = 60, 86400, 300


class RecheckTooSoon(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _latest_done(domain: str, kind: str) -> DnsCheck | None:
    return DnsCheck.objects.filter(domain=domain, kind=kind, status=DnsCheck.Status.DONE).first()


def dns_check_request(*, domain: str, kind: str, force: bool = False) -> DnsCheck:
    """Queue a DNS check of a domain, unless one is running or a stored result is still valid.

    `force` is the member's "check again": allowed once per OKBNET_DNS_RECHECK_SECONDS per domain
    (RecheckTooSoon otherwise). Raises dnscheck.InvalidDomain for a name that is not a domain.
    """
    if kind not in DnsCheck.Kind.values:
        raise ValueError(kind)
    name = dnscheck.to_ascii(domain)
    now = timezone.now()
    with transaction.atomic():
        open_check = (
            DnsCheck.objects.select_for_update().filter(domain=name, kind=kind, status__in=DnsCheck.OPEN).first()
        )
        if open_check is not None:
            if (open_check.started_at or open_check.requested_at) < now - STALE_RUNNING:
                enqueue_on_commit(run_dns_check, open_check.pk)  # its task was lost: ask again
            return open_check
        latest = _latest_done(name, kind)
        if latest is not None and not force and latest.expires_at and latest.expires_at > now:
            return latest
        if force and latest is not None:
            wait = settings.OKBNET_DNS_RECHECK_SECONDS - (now - latest.requested_at).total_seconds()
            if wait > 0:
                raise RecheckTooSoon(int(wait) + 1)
        try:
            with transaction.atomic():
                check = DnsCheck.objects.create(domain=name, kind=kind)
        except IntegrityError:  # another request queued it a moment ago
            return DnsCheck.objects.get(domain=name, kind=kind, status__in=DnsCheck.OPEN)
        enqueue_on_commit(run_dns_check, check.pk)
    return check


def own_domain_keep_checked(*, domain: str) -> None:
    """Queue a check of an own domain when nothing valid is stored: the page that shows it updates
    itself when the worker is done. Nothing happens for "" or a name that is not a domain."""
    if not domain:
        return
    try:
        dns_check_request(domain=domain, kind=DnsCheck.Kind.OWN_DOMAIN)
    except dnscheck.InvalidDomain:
        return


def _run(kind: str, domain: str) -> tuple[dict[str, Any], int | None, bool]:
    """(result JSON, TTL, whether DNS failed) of one check."""
    session = dnscheck.Session()
    if kind == DnsCheck.Kind.OWN_DOMAIN:
        own = dnscheck.own_domain_check(domain, session=session)
        data = own.to_dict()
        data["spf_suggestion"] = dnscheck.own_domain_spf_suggestion(own)
        data["relays"] = list(dnscheck.relay_addresses())
        data["queries"] = session.queries
        return data, own.ttl, own.error is not None
    support = dnscheck.submission_support(domain, session=session)
    data = support.to_dict()
    data["queries"] = session.queries
    return data, support.ttl, support.error in (dnscheck.TIMEOUT, dnscheck.SERVFAIL)


def dns_check_run(*, check_id: int) -> DnsCheck | None:
    """Claim a queued (or stale running) check, ask DNS, store the result. Safe to run twice."""
    now = timezone.now()
    claimable = Q(status=DnsCheck.Status.QUEUED) | Q(status=DnsCheck.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
    if not DnsCheck.objects.filter(claimable, pk=check_id).update(status=DnsCheck.Status.RUNNING, started_at=now):
        return None
    check = DnsCheck.objects.get(pk=check_id)
    data, ttl, failed = _run(check.kind, check.domain)
    with transaction.atomic():
        check = DnsCheck.objects.select_for_update().get(pk=check_id)
        transition(check, to=DnsCheck.Status.DONE)
        check.result = data
        check.checked_at = timezone.now()
        lifetime = TTL_ERROR if failed else min(max(ttl or TTL_MIN, TTL_MIN), TTL_MAX)
        check.expires_at = check.checked_at + timedelta(seconds=lifetime)
        check.save(update_fields=["status", "result", "checked_at", "expires_at"])
        old = DnsCheck.objects.filter(domain=check.domain, kind=check.kind, status=DnsCheck.Status.DONE).values_list(
            "pk", flat=True
        )[HISTORY_KEEP:]
        DnsCheck.objects.filter(pk__in=list(old)).delete()
    return check


# --------------------------------------------------------------------------- saved mail setups

SETUP_FIELDS = (
    "label",
    "mail_program",
    "sending_via",
    "port",
    "provider_submission",
    "okbnet_address",
    "provider_host",
    "provider_domain",
)


def mail_setup_verdict(*, setup: MailSetup) -> dict[str, Any]:
    """The verdict of a saved setup, computed now from the member's current plan."""
    return verdict_give(setup_inputs(setup), counted=False)[0]


def _apply(setup: MailSetup, data: dict[str, Any]) -> None:
    for name in SETUP_FIELDS:
        if name in data:
            setattr(setup, name, data[name] if data[name] is not None or name == "port" else "")
    clean_inputs(setup.inputs_data())  # raises InvalidInput: never save what cannot be decided


def mail_setup_create(*, member: Member, data: dict[str, Any]) -> MailSetup:
    setup = MailSetup(member=member)
    _apply(setup, data)
    setup.save()
    return setup


def mail_setup_update(*, setup: MailSetup, data: dict[str, Any]) -> MailSetup:
    _apply(setup, data)
    setup.save()
    return setup


def mail_setup_delete(*, setup: MailSetup) -> None:
    setup.delete()
