"""Entry points for verdicts and DNS checks: every interface (page, API, task) goes through here."""

from __future__ import annotations

import dataclasses
import time
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

from . import dnscheck, domains, op25b, providers, smtpprobe, stats
from .models import DnsCheck, MailSetup, SubmissionProbe
from .tasks import run_dns_check, run_submission_probe

if TYPE_CHECKING:
    from accounts.models import Member

PROVIDER_WAIT_MAX = 3.0  # the API's "wait": at most this long for a DNS check or probe (DESIGN §6)
STALE_PROBE = timedelta(minutes=2)  # a running probe older than this lost its worker


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
    inputs: op25b.Inputs | Mapping[str, Any], *, counted: bool, client: str = "", wait: float = 0.0
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The one entry point to a verdict: the verdict object of DESIGN §7, and what is known about
    the provider (None: not asked).

    `inputs` are validated `Inputs` or raw data (API body), which is validated first (raises
    InvalidInput with field errors). When the member does not know whether their provider
    accepts 587/465 and the answer would change the verdict, what is already known is used: the
    provider's DNS (RFC 6186 SRV), the catalogue, the submission probe. Nothing here waits on the
    outside world: missing look-ups are queued for a worker (`client`: the asking address, for
    the per-client limit) and the verdict says `provider_submission_pending`. `wait` (seconds, at
    most PROVIDER_WAIT_MAX, the API's `"wait": true`) polls the stored results that long.
    `counted`: a verdict someone asked for (the API and /check/) goes into the staff dashboard's
    statistics; re-showing a saved setup does not.
    """
    if not isinstance(inputs, op25b.Inputs):
        inputs = clean_inputs(inputs)
    resolved, facts = provider_inputs(inputs, client=client)
    deadline = time.monotonic() + min(wait, PROVIDER_WAIT_MAX)
    while facts and facts["pending"] and time.monotonic() < deadline:
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        resolved, facts = provider_inputs(inputs, client=client, start=False)
    verdict = op25b.decide(resolved)
    verdict["provider_submission_pending"] = bool(facts and facts["pending"])
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


def _known(model, stale: timedelta, **lookup) -> tuple[Any, bool, bool]:
    """(the latest finished row, whether one is queued or running, whether that one lost its
    worker) in one query."""
    rows = list(model.objects.filter(**lookup)[:2])
    open_row = rows[0] if rows and rows[0].status in model.OPEN else None
    done = next((row for row in rows if row.status == model.Status.DONE), None)
    lost = open_row is not None and (open_row.started_at or open_row.requested_at) < timezone.now() - stale
    return done, open_row is not None, lost


def _fresh(row) -> bool:
    return row is not None and row.expires_at is not None and row.expires_at > timezone.now()


def _client_may_start(client: str) -> bool:
    """One client address starts at most OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR provider look-ups
    an hour (a look-up someone else already started, or a stored answer, costs nothing)."""
    if not client:
        return True  # a worker or a management command
    return _count_within(f"okbnet:provider-checks:{client}", settings.OKBNET_PROVIDER_CHECKS_PER_CLIENT_HOUR)


def _count_within(key: str, limit: int) -> bool:
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 3600)
        count = 1
    return count <= limit


def provider_probe_subject(*, domain: str = "", host: str = "") -> tuple[str, str] | None:
    """What the probe is asked about: the outgoing host when given, else the mail domain."""
    for name, kind in ((host, SubmissionProbe.Kind.HOST), (domain, SubmissionProbe.Kind.DOMAIN)):
        ascii_name = _ascii_or_empty(name)
        if ascii_name:
            return ascii_name, kind
    return None


def provider_submission_lookup(
    *, domain: str = "", host: str = "", client: str = "", start: bool = True
) -> dict[str, Any]:
    """What is known now about a provider's submission ports, from stored results only: the
    SRV records (stored DNS checks), then the catalogue, then the submission probe. Look-ups that
    are missing or out of date are queued for a worker (`start`), within the client's limit.

    Returns {"support", "source" ("dns", "catalogue", "probe" or None), "host", "domain", "error",
    "pending" (a look-up is on its way), "limited" (the client's limit stopped one), "probe"
    (the latest probe, or None)}.
    """
    pending = limited = False
    error = None

    def queue(request, **kwargs) -> None:
        nonlocal pending, limited
        if not start:
            return
        if not _client_may_start(client):
            limited = True
            return
        request(**kwargs)
        pending = True

    found: dict[str, Any] | None = None
    for name in provider_domains(domain=domain, host=host):
        check, open_, lost = _known(DnsCheck, STALE_RUNNING, domain=name, kind=DnsCheck.Kind.PROVIDER)
        pending = pending or open_
        if lost or (not open_ and not _fresh(check)):
            queue(dns_check_request, domain=name, kind=DnsCheck.Kind.PROVIDER)  # re-queues a lost one
        result = check.result if check is not None else None
        if result is None:
            continue
        if result["support"] != op25b.ProviderSubmission.UNKNOWN:
            found = {"support": result["support"], "source": "dns", "host": result["host"], "domain": name}
            break
        if result["error"] not in (dnscheck.NXDOMAIN, dnscheck.NODATA):
            error = error or result["error"]
    if found is None:
        entry = providers.find(domain=_ascii_or_empty(domain), host=_ascii_or_empty(host))
        if entry is not None:
            found = {"support": entry.submission, "source": "catalogue", "host": entry.host, "domain": ""}
    latest_probe = None
    subject = provider_probe_subject(domain=domain, host=host)
    if found is None and subject is not None:
        latest_probe, open_, lost = _known(SubmissionProbe, STALE_PROBE, name=subject[0], kind=subject[1])
        pending = pending or open_
        if lost or (not open_ and not _fresh(latest_probe)):
            queue(submission_probe_request, name=subject[0], kind=subject[1])
        if latest_probe is not None and latest_probe.support != op25b.ProviderSubmission.UNKNOWN:
            found = {"support": latest_probe.support, "source": "probe", "host": latest_probe.host, "domain": ""}
    if found is None:
        found = {"support": op25b.ProviderSubmission.UNKNOWN, "source": None, "host": "", "domain": ""}
    return {
        **found,
        "error": None if found["source"] else error,
        "pending": pending,
        "limited": limited,
        "probe": latest_probe,
    }


def _ascii_or_empty(name: str) -> str:
    """The A-label form for the catalogue, or "" for nothing usable."""
    try:
        return dnscheck.to_ascii(name) if name else ""
    except dnscheck.InvalidDomain:
        return ""


def provider_inputs(
    inputs: op25b.Inputs, *, client: str = "", start: bool = True
) -> tuple[op25b.Inputs, dict[str, Any] | None]:
    """The inputs with provider_submission filled from what is known, when possible."""
    if not _needs_provider_support(inputs):
        return inputs, None
    facts = provider_submission_lookup(
        domain=inputs.provider_domain, host=inputs.provider_host, client=client, start=start
    )
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


# --------------------------------------------------------------------------- submission probes


def submission_probe_request(*, name: str, kind: str) -> SubmissionProbe:
    """Queue a probe of a provider's host (or of the hosts its mail domain suggests), unless one
    is queued or running, or a stored result is still valid. Safe against concurrent requests."""
    if kind not in SubmissionProbe.Kind.values:
        raise ValueError(kind)
    name = dnscheck.to_ascii(name)
    now = timezone.now()
    with transaction.atomic():
        open_probe = (
            SubmissionProbe.objects.select_for_update()
            .filter(name=name, kind=kind, status__in=SubmissionProbe.OPEN)
            .first()
        )
        if open_probe is not None:
            if (open_probe.started_at or open_probe.requested_at) < now - STALE_PROBE:
                enqueue_on_commit(run_submission_probe, open_probe.pk)  # its task was lost: ask again
            return open_probe
        latest = SubmissionProbe.objects.filter(name=name, kind=kind, status=SubmissionProbe.Status.DONE).first()
        if _fresh(latest):
            return latest
        try:
            with transaction.atomic():
                probe = SubmissionProbe.objects.create(name=name, kind=kind)
        except IntegrityError:  # another request queued it a moment ago
            return SubmissionProbe.objects.get(name=name, kind=kind, status__in=SubmissionProbe.OPEN)
        enqueue_on_commit(run_submission_probe, probe.pk)
    return probe


def probe_hosts(*, name: str, kind: str) -> list[str]:
    """The hosts a probe tries, in order: the given host, or smtp.<domain> then mail.<domain>."""
    if kind == SubmissionProbe.Kind.HOST:
        return [name]
    return [f"smtp.{name}", f"mail.{name}"]


def submission_probe_host(host: str) -> smtpprobe.ProbeResult:
    """Probe one host now (a worker, or the catalogue check): resolve it once, keep to the
    per-host limit, connect only to that one address."""
    if not _count_within(f"okbnet:probe-host:{host}", settings.OKBNET_SMTP_PROBES_PER_HOST_HOUR):
        result = smtpprobe.ProbeResult(host=host, error=smtpprobe.RATE_LIMITED)
        smtpprobe.logger.info("smtp probe host=%s refused: rate limited", host)
        return result
    address = smtpprobe.resolve(host)
    return smtpprobe.probe(host, address=address)


def catalogue_check() -> list[dict[str, Any]]:
    """Probe every catalogue entry's outgoing host and compare with what the catalogue says.

    Each row: {"name", "host", "listed", "probed", "status"}: "matches", "differs" (the probe
    gave a clear, different answer: review the entry) or "unchecked" (no clear answer; "reason").
    """
    rows = []
    for entry in providers.CATALOGUE:
        result = submission_probe_host(entry.host)
        if result.support == op25b.ProviderSubmission.UNKNOWN:
            status = "unchecked"
        else:
            status = "matches" if result.support == entry.submission else "differs"
        reasons = [result.error] if result.error else [f"{p.port}:{p.error}" for p in result.ports if p.error]
        rows.append(
            {
                "name": entry.name,
                "host": entry.host,
                "listed": entry.submission,
                "probed": result.support,
                "status": status,
                "reason": ",".join(r for r in reasons if r),
            }
        )
    return rows


def submission_probe_run(*, probe_id: int) -> SubmissionProbe | None:
    """Claim a queued (or stale running) probe, probe, store the result. Safe to run twice."""
    now = timezone.now()
    claimable = Q(status=SubmissionProbe.Status.QUEUED) | Q(
        status=SubmissionProbe.Status.RUNNING, started_at__lt=now - STALE_PROBE
    )
    updated = SubmissionProbe.objects.filter(claimable, pk=probe_id).update(
        status=SubmissionProbe.Status.RUNNING, started_at=now
    )
    if not updated:
        return None
    probe = SubmissionProbe.objects.get(pk=probe_id)
    result = None
    for host in probe_hosts(name=probe.name, kind=probe.kind):
        result = submission_probe_host(host)
        if result.error != smtpprobe.NOT_RESOLVED:
            break  # the first guess that exists is the provider's server
    with transaction.atomic():
        probe = SubmissionProbe.objects.select_for_update().get(pk=probe_id)
        transition(probe, to=SubmissionProbe.Status.DONE)
        probe.result = result.to_dict()
        probe.host, probe.address, probe.support = result.host, result.address or None, result.support
        probe.checked_at = timezone.now()
        lifetime = settings.OKBNET_SMTP_PROBE_TTL if result.definitive else settings.OKBNET_SMTP_PROBE_UNSURE_TTL
        probe.expires_at = probe.checked_at + timedelta(seconds=lifetime)
        probe.save(update_fields=["status", "result", "host", "address", "support", "checked_at", "expires_at"])
        old = SubmissionProbe.objects.filter(
            name=probe.name, kind=probe.kind, status=SubmissionProbe.Status.DONE
        ).values_list("pk", flat=True)[HISTORY_KEEP:]
        SubmissionProbe.objects.filter(pk__in=list(old)).delete()
    return probe


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
