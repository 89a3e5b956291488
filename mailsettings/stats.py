"""Verdicts asked for per day — on /check/ and through the API, not when a saved setup is shown
(mailsettings.services.verdict_give(counted=True)) — counted in the cache (Redis in production): one round trip
per verdict (okbnet_portal.counters), never a database write on the verdict API's path. The staff dashboard reads the counters."""

import contextlib
import datetime

from django.core.cache import cache
from django.utils import timezone

from okbnet_portal import counters

KEEP = datetime.timedelta(days=35)


def _key(day: datetime.date, verdict: str) -> str:
    return f"okbnet:verdicts:{day.isoformat()}:{verdict}"


def verdict_record(verdict: str) -> None:
    with contextlib.suppress(Exception):  # statistics must never break a verdict
        counters.count(_key(timezone.localdate(), verdict), timeout=int(KEEP.total_seconds()))


def verdict_counts(*, days: int, verdicts: list[str]) -> dict[str, int]:
    """Totals per verdict code over the last `days` days (one cache round trip)."""
    today = timezone.localdate()
    keys = {_key(today - datetime.timedelta(days=n), v): v for n in range(days) for v in verdicts}
    totals = dict.fromkeys(verdicts, 0)
    for key, value in cache.get_many(list(keys)).items():
        totals[keys[key]] += int(value)
    return totals
