from celery import shared_task
from django.db import DatabaseError


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


@shared_task(
    name="network.import_session_log",
    acks_late=True,
    max_retries=3,
    # A 50 MB log (about a million lines) is checked and loaded well inside this; Redis's
    # visibility timeout (CELERY_VISIBILITY_TIMEOUT, 3600 s) stays above it.
    soft_time_limit=1500,
    time_limit=1800,
)
def import_session_log(import_id: int) -> None:
    """Check, load and publish one stored upload of the RADIUS accounting log (idempotent)."""
    from . import services

    services.session_log_process(import_id=import_id)


@shared_task(name="network.sweep_session_imports", soft_time_limit=30, time_limit=60)
def sweep_session_imports() -> list[int]:
    """Re-queue uploads stored while the broker was down."""
    from . import services

    return services.session_imports_sweep()


# --- RADIUS (network.provisioning, network.disconnect) -----------------------------------------


@shared_task(
    name="network.radius_outbox_apply",
    autoretry_for=(DatabaseError, OSError),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
)
def radius_outbox_apply(entry_id: int) -> bool:
    """Write one member's RADIUS rows (idempotent: from the member's state, marked applied)."""
    from . import provisioning

    return provisioning.outbox_apply(entry_id=entry_id)


@shared_task(name="network.radius_outbox_sweep", soft_time_limit=120, time_limit=180)
def radius_outbox_sweep() -> int:
    """Apply outbox entries left pending (the RADIUS database was down, or a message was lost)."""
    from . import provisioning

    return provisioning.outbox_sweep()


@shared_task(name="network.radius_retire_names", soft_time_limit=120, time_limit=180)
def radius_retire_names() -> int:
    """Remove old connection user names whose end date has come."""
    from . import provisioning

    return provisioning.retired_names_expire()


@shared_task(name="network.radius_reconcile", soft_time_limit=600, time_limit=900)
def radius_reconcile() -> int:
    """Rewrite RADIUS rows that drifted from the portal's state; returns how many were fixed."""
    from . import provisioning

    return provisioning.radius_reconcile().total


@shared_task(name="network.radius_disconnect", soft_time_limit=60, time_limit=90)
def radius_disconnect(entry_id: int) -> list[str]:
    """Send the Disconnect-Requests of one applied outbox entry and record the answers."""
    from . import disconnect

    return disconnect.outbox_disconnect(entry_id=entry_id)


@shared_task(
    name="network.sending_quota_exceeded",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def sending_quota_exceeded(
    member_id: int, window: str, hour_count: int, day_count: int, hour_quota: int, day_quota: int
) -> int | None:
    """Queued by the policy service (idempotent: one breach, ticket and e-mail per member and window)."""
    from . import services

    breach = services.sending_quota_breach_record(
        member_id=member_id,
        window=window,
        hour_count=hour_count,
        day_count=day_count,
        hour_quota=hour_quota,
        day_quota=day_quota,
    )
    return breach.ticket_id if breach else None
