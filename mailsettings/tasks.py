from celery import shared_task
from django.db import OperationalError


@shared_task(
    name="mailsettings.run_dns_check",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def run_dns_check(check_id: int) -> None:
    """Run one queued DNS check. Idempotent: a check that is not claimable is left alone."""
    from . import services

    services.dns_check_run(check_id=check_id)
