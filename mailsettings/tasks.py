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


@shared_task(
    name="mailsettings.run_submission_probe",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=45,
    time_limit=60,
)
def run_submission_probe(probe_id: int) -> None:
    """Run one queued submission probe (DESIGN §7b). Idempotent: a probe that is not claimable
    is left alone. The probe's own timeouts (15 s) end it long before the time limits."""
    from . import services

    services.submission_probe_run(probe_id=probe_id)
