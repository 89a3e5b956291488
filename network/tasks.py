from celery import shared_task


@shared_task(
    name="network.export_refusal_tables",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=10,
    soft_time_limit=30,
    time_limit=60,
)
def export_refusal_tables() -> list[str]:
    """Rewrite the Postfix tables from the list (idempotent: the whole state, not a delta)."""
    from . import services

    return services.refusal_tables_write()


@shared_task(
    name="network.refresh_spf_status",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def refresh_spf_status() -> bool:
    """Check OKBNET's published SPF (idempotent: it only replaces the stored result)."""
    from . import services

    return services.spf_status_refresh()["ok"]
