"""The one way services queue background work: after the transaction commits, never raising.

The saved row is the source of truth, never the broker. When the broker cannot take a message
(down, unreachable), the failure is logged and the caller's answer goes out at once; the
periodic sweeps (plan changes, refusal tables) or the next request (DNS checks) pick the work up.
The broker connection fails fast (settings: connect timeout, no connection retry) and the
publish is not retried here, so a page never waits on a broker that is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger("okbnet.enqueue")


@dataclass
class Enqueued:
    """What became of one queueing: `failed` is known once the transaction has committed."""

    task_name: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    sent: bool = False
    failed: bool = False


def enqueue_on_commit(task, *args: Any, **kwargs: Any) -> Enqueued:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one).

    Returns an `Enqueued` whose `failed` tells the caller, after commit, that the message did not
    reach the broker (so a page can say processing may be delayed). Never raises for the broker.
    """
    job = Enqueued(task_name=task.name, args=args, kwargs=kwargs)

    def send() -> None:
        try:
            # No result is read by the caller: do not touch the result backend on the way out.
            task.apply_async(args=args, kwargs=kwargs, retry=False, ignore_result=True)
        except Exception:
            job.failed = True
            logger.warning(
                "could not queue %s%r: the broker is unreachable; the saved state will be picked up later",
                task.name,
                args,
                exc_info=True,
            )
        else:
            job.sent = True

    transaction.on_commit(send)
    return job
