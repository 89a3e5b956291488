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
