"""Celery tasks of accounts: thin, take ids, call services (DESIGN §8).

Direction (README, Layout): services import these tasks at the top and queue them with
`okbnet_portal.enqueue.enqueue_on_commit`; a task imports its service inside its body."""

import random

from celery import shared_task
from django.db import DatabaseError, InterfaceError, OperationalError

TRANSIENT = (OperationalError, InterfaceError, DatabaseError, OSError)


@shared_task(bind=True, name="accounts.process_plan_change", max_retries=6, soft_time_limit=60, time_limit=90)
def process_plan_change(self, request_id: int) -> str:
    from . import services

    try:
        request = services.plan_change_process(request_id=request_id)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.plan_change_give_up(request_id=request_id, detail=repr(exc))
            return "gave_up"
        # Exponential backoff with jitter, kept well below the broker's visibility timeout.
        countdown = min(2 ** (self.request.retries + 1), 60) + random.uniform(0, 1)  # noqa: S311
        raise self.retry(exc=exc, countdown=countdown) from exc
    return request.status if request is not None else "nothing_to_do"


@shared_task(name="accounts.sweep_plan_changes", soft_time_limit=30, time_limit=60)
def sweep_plan_changes() -> list[int]:
    from . import services

    return services.plan_change_requeue_stuck()
