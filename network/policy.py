"""The mail gateway's Postfix policy service (DESIGN §10): who may send through gw.* and how much.

Postfix asks once per recipient (`check_policy_service inet:$OKBNET_POLICY_BIND` in
`smtpd_recipient_restrictions`). The decision reads only memory and one Redis round trip:

- the *directory*: an in-memory snapshot of the active members (log-in address → addresses they may
  send as, quota of their plan), loaded from the database at start, again when the portal signals a
  change (a random version stamp in Redis, read at most once a second) and every
  `OKBNET_POLICY_REFRESH_SECONDS` in any case;
- the *counters*: recipients per member per clock hour and per day in Redis (expiring keys), checked
  and counted by one Lua script, so several policy processes share them.

The rules are plain functions (`identity_verdict`, `quota_verdict`) over plain data; the server
(network/policy_server.py) only frames the protocol. When Redis or the database cannot answer, the
answer is the setting `OKBNET_POLICY_ON_ERROR` (`DUNNO`: let mail through unchecked, or `DEFER`:
ask the client to retry later).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
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
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.strftime("%Y%m%d%H"), local.strftime("%Y%m%d")


def counter_keys(member_id: int, now: datetime) -> tuple[str, str]:
    hour, day = windows(now)
    return f"{KEY_PREFIX}:n:{member_id}:h:{hour}", f"{KEY_PREFIX}:n:{member_id}:d:{day}"


# KEYS: hour counter, day counter, hour flag, day flag. ARGV: hour quota, day quota, hour TTL, day TTL.
# Counts the recipient only when both counters are under their quota; a refusal sets the flag of
# its window with NX and reports whether it was the first.
COUNT_SCRIPT = """
local hour = tonumber(redis.call('GET', KEYS[1]) or '0')
local day = tonumber(redis.call('GET', KEYS[2]) or '0')
if day >= tonumber(ARGV[2]) then
  return {0, hour, day, 2, redis.call('SET', KEYS[4], '1', 'NX', 'EX', ARGV[4]) and 1 or 0}
end
if hour >= tonumber(ARGV[1]) then
  return {0, hour, day, 1, redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[3]) and 1 or 0}
end
hour = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
day = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {1, hour, day, 0, 0}
"""


def _count_from(values, hour_window: str, day_window: str) -> Count:
    allowed, hour, day, which, first = (int(v) for v in values)
    window = {1: f"hour:{hour_window}", 2: f"day:{day_window}"}.get(which, "")
    return Count(allowed=bool(allowed), hour=hour, day=day, window=window, first_over=bool(first))


class RedisCounters:
    """The counters shared by every policy process (production)."""

    def __init__(self, url: str):
        import redis.asyncio

        timeout = settings.OKBNET_POLICY_REDIS_TIMEOUT
        self.client = redis.asyncio.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        self.script = self.client.register_script(COUNT_SCRIPT)

    async def count(self, sender: Sender, now: datetime) -> Count:
        hour_key, day_key = counter_keys(sender.member_id, now)
        hour_window, day_window = windows(now)
        values = await self.script(
            keys=[hour_key, day_key, f"{hour_key}:over", f"{day_key}:over"],
            args=[sender.hour_quota, sender.day_quota, HOUR_TTL, DAY_TTL],
        )
        return _count_from(values, hour_window, day_window)

    async def version(self) -> str | None:
        value = await self.client.get(VERSION_KEY)
        return value.decode() if value else "0"

    async def close(self) -> None:
        await self.client.aclose()


class MemoryCounters:
    """The same counting in this process only: the embedded `make run` (no Redis). Counts are lost
    on restart and not shared between processes; the member screen cannot read them."""

    def __init__(self):
        self.values: dict[str, tuple[int, float]] = {}

    def _get(self, key: str, now: float) -> int:
        value, expires = self.values.get(key, (0, 0.0))
        return value if expires > now else 0

    async def count(self, sender: Sender, now: datetime) -> Count:
        hour_key, day_key = counter_keys(sender.member_id, now)
        hour_window, day_window = windows(now)
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
        logger.warning("could not signal the policy service; it reloads within %s s", exc_info=True)


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

    hour_key, day_key = counter_keys(member_id, now or timezone.now())
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
    def __init__(self, *, counters, clock: Callable[[], datetime] | None = None):
        from django.utils import timezone

        self.counters = counters
        self.clock = clock or timezone.now
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
                self.loaded_at = time.monotonic() - settings.OKBNET_POLICY_REFRESH_SECONDS + 5  # retry soon
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
        if clock - self.loaded_at >= settings.OKBNET_POLICY_REFRESH_SECONDS and not self._reload_lock.locked():
            self.loaded_at = clock  # one reload at a time; reload() sets the real time
            self._background(self.reload())
        elif clock - self.checked_at >= settings.OKBNET_POLICY_CHANGE_CHECK_SECONDS:
            self.checked_at = clock
            await self._check_version()

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
            count = await self.counters.count(sender, self.clock())
        except Exception:
            logger.warning("could not count the recipient in Redis", exc_info=True)
            return error_action()
        if count.first_over:
            self._background(asyncio.to_thread(quota_exceeded_report, sender, count))
        return quota_verdict(count)
