"""Counters in fixed windows on the shared cache: the one way the portal counts (API throttles,
verdict statistics, activation failures, DNS re-checks per client).

`count(key, timeout=...)` adds one and returns the new total; the window starts at the counter's
first count and lasts `timeout` seconds. On Redis that is one round trip: INCR and EXPIRE NX sent
together in one pipeline (Django's `cache.incr` asks EXISTS first, then INCRBY: two round trips,
plus an `add` for a window's first count). On the embedded run's local-memory cache it is
`add` then `incr`. The values are plain integers either way, so `cache.get` reads them back.
"""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache


def count(key: str, *, timeout: int, cache: BaseCache | None = None) -> int:
    backend = cache if cache is not None else caches["default"]
    if isinstance(backend, RedisCache):
        redis_key = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(redis_key, write=True).pipeline(transaction=False)
        pipe.incr(redis_key)
        pipe.expire(redis_key, timeout, nx=True)
        return int(pipe.execute()[0])
    if backend.add(key, 1, timeout):
        return 1
    try:
        return backend.incr(key)
    except ValueError:  # expired between add and incr
        backend.set(key, 1, timeout)
        return 1
