"""Verdicts asked for per day — on /check/ and through the API, not when a saved setup is shown
(mailsettings.services.verdict_give(counted=True)) — counted in the cache (Redis in production): one INCR per verdict,
never a database write on the verdict API's path. The staff dashboard reads the counters."""

import datetime

from django.core.cache import cache
from django.utils import timezone

KEEP = datetime.timedelta(days=35)


def _key(day: datetime.date, verdict: str) -> str:
    return f"okbnet:verdicts:{day.isoformat()}:{verdict}"


def verdict_record(verdict: str) -> None:
    key = _key(timezone.localdate(), verdict)
    try:
        try:
            cache.incr(key)  # one round trip on every verdict but the day's first
        except ValueError:
            if not cache.add(key, 1, timeout=int(KEEP.total_seconds())):
                cache.incr(key)
    except Exception:  # noqa: S110 - statistics must never break a verdict
        pass


def verdict_counts(*, days: int, verdicts: list[str]) -> dict[str, int]:
    """Totals per verdict code over the last `days` days (one cache round trip)."""
    today = timezone.localdate()
    keys = {_key(today - datetime.timedelta(days=n), v): v for n in range(days) for v in verdicts}
    totals = dict.fromkeys(verdicts, 0)
    for key, value in cache.get_many(list(keys)).items():
        totals[keys[key]] += int(value)
    return totals
