"""Waiting for what a worker does: poll a condition, fail loudly when it never comes true."""

import time

from django.db import OperationalError


def wait_for(predicate, timeout: float = 30.0, what: str = "the condition"):
    """Return the first truthy value of `predicate()`, or fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OperationalError:  # SQLite's shared in-memory test database: the worker holds the table
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def mail_to(address: str):
    """The messages of the outbox sent to exactly this address (an earlier test's late mail may be there)."""
    from django.core import mail

    return [m for m in mail.outbox if m.to == [address]]


def worker_drained(timeout: float = 30.0) -> None:
    """Return once the test worker has run everything queued before this call: its one solo
    process takes messages in order, so the answer to a ping sent now comes after them."""
    from okbnet_portal.celery import ping

    assert ping.delay().get(timeout=timeout) == "pong"


def run_queued_provider_checks() -> int:
    """Do, in this process, what the worker does with the provider look-ups a verdict queued (the
    services the task calls, on the test's own connection); returns how many ran. Tests of the
    real worker path use the `celery_worker` fixture instead."""
    from mailsettings import services
    from mailsettings.models import DnsCheck, SubmissionProbe

    ran = 0
    for check_id in DnsCheck.objects.filter(status=DnsCheck.Status.QUEUED).values_list("pk", flat=True):
        ran += services.dns_check_run(check_id=check_id) is not None
    for probe_id in SubmissionProbe.objects.filter(status=SubmissionProbe.Status.QUEUED).values_list("pk", flat=True):
        ran += services.submission_probe_run(probe_id=probe_id) is not None
    return ran
