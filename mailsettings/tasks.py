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


@shared_task(name="mailsettings.check_okbnet_domain", soft_time_limit=30, time_limit=60)
def check_okbnet_domain() -> None:
    """Beat: keep OKBNET's own mail domain checked against live DNS (the staff dashboard shows it)."""
    from django.conf import settings

    from . import services

    services.own_domain_keep_checked(domain=settings.OKBNET_MAIL_DOMAIN)
