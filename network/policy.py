"""The mail gateway's Postfix policy service (DESIGN §10): who may send through gw.* and how much.

Postfix asks once per recipient (`check_policy_service inet:$OKBNET_POLICY_BIND` in
`smtpd_recipient_restrictions`). The decision reads only memory and one Redis round trip:

- the *directory*: an in-memory snapshot of the active members (log-in address → addresses they may
  send as, quota of their plan), loaded from the database at start, again when the portal signals a
  change (a random version stamp in Redis, read at most once a second) and every
  `OKBNET_POLICY_REFRESH_SECONDS` in any case;
- the *counters*: recipients per member per clock hour and per day, kept in memory and shared
  through Redis (expiring keys; see RedisCounters), so several policy processes share them and a
  message costs no round trip in the steady state.

The rules are plain functions (`identity_verdict`, `quota_verdict`) over plain data; the server
(network/policy_server.py) only frames the protocol. When Redis or the database cannot answer, the
answer is the setting `OKBNET_POLICY_ON_ERROR` (`DUNNO`: let mail through unchecked, or `DEFER`:
ask the client to retry later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import translation
from django.utils.translation import gettext

from okbnet_portal.enqueue import enqueue_on_commit

from .tasks import sending_quota_exceeded

logger = logging.getLogger("okbnet.policy")

DUNNO = "DUNNO"
KEY_PREFIX = "okbnet:policy"
VERSION_KEY = f"{KEY_PREFIX}:directory-version"
# Counter keys outlive their window a little, so a late reader (the member screen) still sees them.
HOUR_TTL = 2 * 3600
DAY_TTL = 2 * 86400


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """An active member as the gateway sees them."""

    member_id: int
    login: str
    addresses: frozenset[str]  # exact addresses they may use as envelope sender (lower case)
    domains: frozenset[str]  # their own domains: any address there is theirs
    hour_quota: int
    day_quota: int


@dataclass(frozen=True)
class Directory:
    by_login: dict[str, Sender] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.by_login)


@dataclass(frozen=True)
class Count:
    """What the counters said for one recipient: `allowed` when it was counted (within quota);
    `first_over` when this refusal is the first of its window (open the ticket once)."""

    allowed: bool
    hour: int
    day: int
    window: str = ""  # "hour:2026120214" or "day:20261202" when refused
    first_over: bool = False


# --- the rules ------------------------------------------------------------------------------


def _two_languages(message: Callable[[], str]) -> str:
    """One line in Japanese, then English: the gateway does not know the member's language."""
    parts = []
    for language in ("ja", "en"):
        with translation.override(language):
            parts.append(message())
    return " / ".join(parts)


def _support() -> dict[str, str]:
    return {"phone": settings.OKBNET_SUPPORT_PHONE}


def reject_text() -> str:
    return _two_languages(
        lambda: (
            gettext("This account cannot send mail. Please call the OKBNET support center (%(phone)s).") % _support()
        )
    )


def sender_text() -> str:
    return _two_languages(
        lambda: (
            gettext(
                "The sender address is not one of your OKBNET addresses. Set your own address as the "
                "sender, or call the OKBNET support center (%(phone)s)."
            )
            % _support()
        )
    )


def quota_text() -> str:
    return _two_languages(
        lambda: (
            gettext(
                "You have sent to too many recipients for now. Please try again later; the OKBNET support "
                "center (%(phone)s) can help."
            )
            % _support()
        )
    )


def unavailable_text() -> str:
    return _two_languages(lambda: gettext("The mail service is busy. Please try again later."))


def _domain(address: str) -> str:
    return address.rpartition("@")[2]


def may_send_as(sender: Sender, address: str) -> bool:
    address = address.strip().lower()
    return address in sender.addresses or (bool(address) and _domain(address) in sender.domains)


# Each rule: (id, refuses when, action). Checked in order; the first that matches answers. The
# counting of the quota comes after them (quota_verdict), only for a known member and a good sender.
IDENTITY_RULES: tuple[tuple[str, Callable[[Sender | None, Mapping[str, str]], bool], Callable[[], str]], ...] = (
    ("no_active_member", lambda sender, request: sender is None, lambda: f"REJECT {reject_text()}"),
    (
        "foreign_sender",
        lambda sender, request: not may_send_as(sender, request.get("sender", "")),
        lambda: f"REJECT {sender_text()}",
    ),
)


def is_counted(request: Mapping[str, str]) -> bool:
    """Only RCPT requests decide and count (one per recipient); END-OF-MESSAGE and others pass."""
    return request.get("request") == "smtpd_access_policy" and request.get("protocol_state", "").upper() == "RCPT"


def identity_verdict(request: Mapping[str, str], directory: Directory) -> tuple[str | None, Sender | None]:
    """The refusal for who is sending (or None when the quota decides next), and the member."""
    login = request.get("sasl_username", "").strip().lower()
    sender = directory.by_login.get(login) if login else None
    for _rule_id, refuses, action in IDENTITY_RULES:
        if refuses(sender, request):
            return action(), sender
    return None, sender


def quota_verdict(count: Count) -> str:
    return DUNNO if count.allowed else f"DEFER_IF_PERMIT {quota_text()}"


def error_action() -> str:
    """What Postfix hears when Redis or the database cannot answer (OKBNET_POLICY_ON_ERROR)."""
    if settings.OKBNET_POLICY_ON_ERROR == "DEFER":
        return f"DEFER {unavailable_text()}"
    return DUNNO


# --- windows and counters -------------------------------------------------------------------


def windows(now: datetime) -> tuple[str, str]:
    """The clock hour and the day (Japan time, the portal's TIME_ZONE) a recipient counts in."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.strftime("%Y%m%d%H"), local.strftime("%Y%m%d")


def counter_keys(member_id: int, hour: str, day: str) -> tuple[str, str]:
    return f"{KEY_PREFIX}:n:{member_id}:h:{hour}", f"{KEY_PREFIX}:n:{member_id}:d:{day}"


def _count_from(values, hour_window: str, day_window: str) -> Count:
    allowed, hour, day, which, first = (int(v) for v in values)
    window = {1: f"hour:{hour_window}", 2: f"day:{day_window}"}.get(which, "")
    return Count(allowed=bool(allowed), hour=hour, day=day, window=window, first_over=bool(first))


@dataclass
class _Tally:
    """One counter (a member's hour or day) as this process knows it."""

    base: int  # the shared count in Redis at the last exchange (every process's recipients)
    ttl: int
    delta: int = 0  # recipients counted here since, not yet added in Redis
    flag_checked: bool = False  # this process has asked Redis whether it reports the window
    expiring: bool = False  # this process has given the key its expiry
    seen: float = field(default_factory=time.monotonic)


class RedisCounters:
    """The counters in this process's memory, shared through Redis (production).

    A member's hour and day counters are read from Redis once per window (the first recipient of
    the window waits for that one round trip); after that recipients are counted here and the
    increments are added in Redis every `OKBNET_POLICY_SYNC_MS` (INCRBY, which answers the shared
    total), so a message costs no round trip. Within one process the quota is exact; several
    gateway processes see each other's recipients at the next exchange, so together they can pass
    the quota by what they count in one interval. The first refusal of a window is settled in
    Redis (SET NX on the window's flag): one report, whichever process refuses first.
    """

    def __init__(self, url: str):
        import redis.asyncio

        timeout = settings.OKBNET_POLICY_REDIS_TIMEOUT
        self.client = redis.asyncio.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.sync_seconds = settings.OKBNET_POLICY_SYNC_MS / 1000
        self.tallies: dict[str, _Tally] = {}
        self._loading: dict[str, asyncio.Future] = {}
        self._sync_task: asyncio.Task | None = None
        self._closed = asyncio.Event()  # set by close(): ends the exchange's wait and its loop

    async def _tallies(self, keys: tuple[str, str]) -> tuple[_Tally, _Tally]:
        missing = [k for k in keys if k not in self.tallies]
        if missing:
            waiting = [self._loading[k] for k in missing if k in self._loading]
            to_load = [k for k in missing if k not in self._loading]
            if to_load:
                loop = asyncio.get_running_loop()
                future = loop.create_future()
                for key in to_load:
                    self._loading[key] = future
                try:
                    values = await self.client.mget(to_load)
                    for key, value in zip(to_load, values, strict=True):
                        ttl = HOUR_TTL if ":h:" in key else DAY_TTL
                        self.tallies.setdefault(key, _Tally(base=int(value or 0), ttl=ttl))
                    future.set_result(None)
                except Exception as exc:
                    future.set_exception(exc)
                    future.exception()  # retrieved: the waiters re-raise it
                    raise
                finally:
                    for key in to_load:
                        self._loading.pop(key, None)
            for future in waiting:
                await future
        return self.tallies[keys[0]], self.tallies[keys[1]]

    async def _first_refusal(self, key: str, tally: _Tally) -> bool:
        if tally.flag_checked:
            return False
        tally.flag_checked = True
        try:
            return bool(await self.client.set(f"{key}:over", "1", nx=True, ex=tally.ttl))
        except Exception:
            tally.flag_checked = False  # ask again at the next refusal
            raise

    async def count(self, sender: Sender, hour_window: str, day_window: str) -> Count:
        keys = counter_keys(sender.member_id, hour_window, day_window)
        hour_tally, day_tally = await self._tallies(keys)
        hour, day = hour_tally.base + hour_tally.delta, day_tally.base + day_tally.delta
        for which, over, key, tally in (
            (2, day >= sender.day_quota, keys[1], day_tally),
            (1, hour >= sender.hour_quota, keys[0], hour_tally),
        ):
            if over:
                first = await self._first_refusal(key, tally)
                return _count_from((0, hour, day, which, int(first)), hour_window, day_window)
        hour_tally.delta += 1
        day_tally.delta += 1
        hour_tally.seen = day_tally.seen = time.monotonic()
        if self._sync_task is None:
            self._sync_task = asyncio.get_running_loop().create_task(self._sync_later())
        return Count(allowed=True, hour=hour + 1, day=day + 1)

    async def _sync_later(self) -> None:
        while not self._closed.is_set():
            with contextlib.suppress(TimeoutError):  # the interval, cut short by close()
                await asyncio.wait_for(self._closed.wait(), self.sync_seconds)
            try:
                await self.sync()
            except Exception:
                logger.warning("could not add the counts in Redis; trying again", exc_info=True)
            if not any(t.delta for t in self.tallies.values()):
                break
        self._sync_task = None

    async def sync(self) -> None:
        """Add this process's increments in Redis and learn the shared totals; forget old windows."""
        sent = [(key, tally, tally.delta) for key, tally in self.tallies.items() if tally.delta]
        if sent:
            async with self.client.pipeline(transaction=False) as pipe:
                for key, tally, delta in sent:
                    pipe.incrby(key, delta)
                    if not tally.expiring:
                        pipe.expire(key, tally.ttl, nx=True)  # once per key: it lives for its window
                results = iter(await pipe.execute())
            for _key, tally, delta in sent:
                tally.delta -= delta  # what was counted meanwhile waits for the next exchange
                tally.base = int(next(results))
                if not tally.expiring:
                    next(results)
                    tally.expiring = True
        stale = time.monotonic() - HOUR_TTL
        for key in [k for k, t in self.tallies.items() if not t.delta and t.seen < stale]:
            del self.tallies[key]

    async def version(self) -> str | None:
        value = await self.client.get(VERSION_KEY)
        return value.decode() if value else "0"

    async def close(self) -> None:
        """Add the last increments in Redis. A waiting exchange is woken and awaited, not left
        pending when the loop ends, nor cancelled halfway through its INCRBYs (which would count
        them twice)."""
        self._closed.set()
        try:
            if self._sync_task is not None:
                await self._sync_task
            await self.sync()
        finally:
            await self.client.aclose()


class MemoryCounters:
    """The same counting in this process only: the embedded `make run` (no Redis). Counts are lost
    on restart and not shared between processes; the member screen cannot read them."""

    def __init__(self):
        self.values: dict[str, tuple[int, float]] = {}

    def _get(self, key: str, now: float) -> int:
        value, expires = self.values.get(key, (0, 0.0))
        return value if expires > now else 0

    async def count(self, sender: Sender, hour_window: str, day_window: str) -> Count:
        hour_key, day_key = counter_keys(sender.member_id, hour_window, day_window)
        clock = time.monotonic()
        hour, day = self._get(hour_key, clock), self._get(day_key, clock)
        for which, over, flag, ttl in (
            (2, day >= sender.day_quota, f"{day_key}:over", DAY_TTL),
            (1, hour >= sender.hour_quota, f"{hour_key}:over", HOUR_TTL),
        ):
            if over:
                first = not self._get(flag, clock)
                self.values[flag] = (1, clock + ttl)
                return _count_from((0, hour, day, which, int(first)), hour_window, day_window)
        self.values[hour_key] = (hour + 1, clock + HOUR_TTL)
        self.values[day_key] = (day + 1, clock + DAY_TTL)
        return Count(allowed=True, hour=hour + 1, day=day + 1)

    async def version(self) -> str | None:
        return None  # no change signal: the periodic refresh only

    async def close(self) -> None:
        return None


def policy_redis_url() -> str:
    return settings.OKBNET_POLICY_REDIS_URL


def counters_for(url: str):
    return RedisCounters(url) if url else MemoryCounters()


# --- the directory --------------------------------------------------------------------------


def directory_load() -> Directory:
    """Every active member with a mail address, in two queries (members with plans, own domains)."""
    close_old_connections()
    try:
        return _directory_query()
    finally:
        connection.close()  # a thread of the policy server's pool: hold no connection between loads


def _directory_query() -> Directory:
    from accounts.models import Member
    from mailsettings.models import OwnDomain

    rows = list(
        Member.objects.filter(status=Member.Status.ACTIVE)
        .exclude(mail_address="")
        .values_list("pk", "mail_address", "plan__send_quota_per_hour", "plan__send_quota_per_day")
    )
    domains: dict[int, set[str]] = {}
    for member_id, domain in OwnDomain.objects.filter(member__status=Member.Status.ACTIVE).values_list(
        "member_id", "domain"
    ):
        domains.setdefault(member_id, set()).add(domain.lower())
    by_login = {}
    for member_id, address, hour_quota, day_quota in rows:
        login = address.strip().lower()
        by_login[login] = Sender(
            member_id=member_id,
            login=login,
            addresses=frozenset({login}),
            domains=frozenset(domains.get(member_id, ())),
            hour_quota=hour_quota,
            day_quota=day_quota,
        )
    return Directory(by_login=by_login)


def directory_changed() -> None:
    """Tell the policy processes to reload soon (called after commit of a member, plan or domain change)."""
    url = policy_redis_url()
    if not url:
        return
    try:
        # A new random value, not a counter: a Redis that lost the key (flushed, restarted) can
        # never bring back the value a policy process already holds.
        _sync_redis(url).set(VERSION_KEY, uuid.uuid4().hex)
    except Exception:
        logger.warning(
            "could not signal the policy service; it reloads within %s s",
            settings.OKBNET_POLICY_REFRESH_SECONDS,
            exc_info=True,
        )


_sync_clients: dict[str, object] = {}


def _sync_redis(url: str):
    import redis

    if url not in _sync_clients:
        timeout = settings.OKBNET_POLICY_REDIS_TIMEOUT
        _sync_clients[url] = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return _sync_clients[url]


def sending_today(member_id: int, *, now: datetime | None = None) -> dict[str, int] | None:
    """The member's recipients this hour and today (the staff member screen), or None when unknown."""
    url = policy_redis_url()
    if not url:
        return None
    from django.utils import timezone

    hour_key, day_key = counter_keys(member_id, *windows(now or timezone.now()))
    try:
        hour, day = _sync_redis(url).mget([hour_key, day_key])
    except Exception:
        logger.warning("could not read the sending counters", exc_info=True)
        return None
    return {"hour": int(hour or 0), "day": int(day or 0)}


# --- the service (one per process; no per-connection state) -------------------------------


def quota_exceeded_report(sender: Sender, count: Count) -> None:
    """Queue the ticket and the member's e-mail (a worker opens them: the server must not wait).
    Runs in a thread of the server's pool, outside any transaction (so it is sent at once)."""
    try:
        _queue_report(sender, count)
    except Exception:  # the database (autocommit check) or the broker: the next window reports again
        logger.warning("could not queue the quota report of member %s", sender.member_id, exc_info=True)
    finally:
        connection.close()


def _queue_report(sender: Sender, count: Count) -> None:
    enqueue_on_commit(
        sending_quota_exceeded,
        sender.member_id,
        count.window,
        count.hour,
        count.day,
        sender.hour_quota,
        sender.day_quota,
    )


class PolicyService:
    def __init__(self, *, counters):
        self.counters = counters
        # read once: settings are a lazy object, and this runs for every recipient
        self.refresh_seconds = settings.OKBNET_POLICY_REFRESH_SECONDS
        self.check_seconds = settings.OKBNET_POLICY_CHANGE_CHECK_SECONDS
        self._windows: tuple[int, str, str] = (-1, "", "")
        self.directory: Directory | None = None
        self.loaded_at = 0.0
        self.version: str | None = None
        self.checked_at = 0.0
        self._reload_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()

    async def reload(self) -> None:
        async with self._reload_lock:
            try:
                version = await self.counters.version()
            except Exception:
                version = None
            try:
                self.directory = await asyncio.to_thread(directory_load)
            except Exception:
                logger.warning("could not load the member directory; keeping the last one", exc_info=True)
                self.loaded_at = time.monotonic() - self.refresh_seconds + 5  # retry soon
                return
            self.loaded_at = time.monotonic()
            self.version = version
            logger.info("policy directory: %d active senders", len(self.directory))

    def _background(self, coroutine) -> None:
        """Run beside the requests (keep a reference: the loop holds tasks only weakly)."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check_version(self) -> None:
        try:
            version = await self.counters.version()
        except Exception:
            logger.warning("could not read the directory version from Redis", exc_info=True)
            return
        if version is not None and version != self.version:
            await self.reload()

    async def refresh_if_due(self) -> None:
        """The periodic reload runs in the background (requests go on with the current snapshot);
        a change signalled by the portal is read before answering, so it applies at once."""
        clock = time.monotonic()
        if clock - self.loaded_at >= self.refresh_seconds and not self._reload_lock.locked():
            self.loaded_at = clock  # one reload at a time; reload() sets the real time
            self._background(self.reload())
        elif clock - self.checked_at >= self.check_seconds:
            self.checked_at = clock
            await self._check_version()

    def current_windows(self) -> tuple[str, str]:
        """This hour's and today's window names, worked out once a second."""
        second = int(time.time())
        if self._windows[0] != second:
            self._windows = (second, *windows(datetime.fromtimestamp(second, UTC)))
        return self._windows[1], self._windows[2]

    async def answer(self, request: Mapping[str, str]) -> str:
        if not is_counted(request):
            return DUNNO
        await self.refresh_if_due()
        if self.directory is None:
            return error_action()
        refusal, sender = identity_verdict(request, self.directory)
        if refusal:
            return refusal
        try:
            count = await self.counters.count(sender, *self.current_windows())
        except Exception:
            logger.warning("could not count the recipient in Redis", exc_info=True)
            return error_action()
        if count.first_over:
            self._background(asyncio.to_thread(quota_exceeded_report, sender, count))
        return quota_verdict(count)
