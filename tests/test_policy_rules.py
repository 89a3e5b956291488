"""The gateway's decisions as plain functions (network.policy): who may send, as whom, how much."""

import asyncio
import os
from datetime import UTC, datetime

import pytest

from network import policy
from network.policy import Count, Directory, MemoryCounters, RedisCounters, Sender
from tests.policy_harness import run_async

TARO = Sender(
    member_id=1,
    login="taro@okbnet.ne.jp",
    addresses=frozenset({"taro@okbnet.ne.jp"}),
    domains=frozenset({"taro-shop.example"}),
    hour_quota=2,
    day_quota=3,
)
HANAKO = Sender(
    member_id=2,
    login="info@hanako.example",
    addresses=frozenset({"info@hanako.example"}),
    domains=frozenset({"hanako.example"}),
    hour_quota=100,
    day_quota=1000,
)
DIRECTORY = Directory(by_login={TARO.login: TARO, HANAKO.login: HANAKO})


def rcpt(**attributes):
    return {"request": "smtpd_access_policy", "protocol_state": "RCPT", **attributes}


# (sasl_username, envelope sender, expected start of the refusal or None when the quota decides)
IDENTITY_CASES = [
    ("taro@okbnet.ne.jp", "taro@okbnet.ne.jp", None),
    ("TARO@okbnet.ne.jp", "Taro@OKBNET.ne.jp", None),  # addresses compare without case
    ("taro@okbnet.ne.jp", "sales@taro-shop.example", None),  # any address on the member's own domain
    ("info@hanako.example", "info@hanako.example", None),  # an own-domain log-in
    ("taro@okbnet.ne.jp", "info@hanako.example", "REJECT"),  # another member's address
    ("taro@okbnet.ne.jp", "someone@sub.taro-shop.example", "REJECT"),  # a sub-domain is not theirs
    ("taro@okbnet.ne.jp", "", "REJECT"),  # the null sender is no address of theirs
    ("", "taro@okbnet.ne.jp", "REJECT"),  # not authenticated
    ("ghost@okbnet.ne.jp", "ghost@okbnet.ne.jp", "REJECT"),  # unknown, suspended or cancelled
]


@pytest.mark.parametrize(("login", "sender", "expected"), IDENTITY_CASES)
def test_the_identity_rules_answer_each_case(login, sender, expected):
    refusal, _member = policy.identity_verdict(rcpt(sasl_username=login, sender=sender), DIRECTORY)
    assert (refusal.split()[0] if refusal else None) == expected


def test_an_unknown_login_is_refused_with_the_support_center_in_japanese_and_english(settings):
    settings.OKBNET_SUPPORT_PHONE = "0120-99-0000"
    refusal, _member = policy.identity_verdict(rcpt(sasl_username="ghost@okbnet.ne.jp"), DIRECTORY)
    assert refusal.startswith("REJECT ")
    assert "サポートセンター" in refusal
    assert "support center" in refusal
    assert refusal.count("0120-99-0000") == 2
    assert "\n" not in refusal


def test_a_foreign_sender_is_refused_with_its_own_text():
    refusal, member = policy.identity_verdict(rcpt(sasl_username=TARO.login, sender=HANAKO.login), DIRECTORY)
    assert member == TARO
    assert "差出人" in refusal and "sender address" in refusal


# (request, state) -> counted: only RCPT requests of the policy protocol decide
COUNTED_CASES = [
    ({"request": "smtpd_access_policy", "protocol_state": "RCPT"}, True),
    ({"request": "smtpd_access_policy", "protocol_state": "rcpt"}, True),
    ({"request": "smtpd_access_policy", "protocol_state": "END-OF-MESSAGE"}, False),
    ({"request": "smtpd_access_policy", "protocol_state": "DATA"}, False),
    ({"request": "junk", "protocol_state": "RCPT"}, False),
    ({}, False),
]


@pytest.mark.parametrize(("request_", "counted"), COUNTED_CASES)
def test_only_rcpt_requests_are_counted(request_, counted):
    assert policy.is_counted(request_) is counted


QUOTA_CASES = [
    (Count(allowed=True, hour=1, day=1), "DUNNO"),
    (Count(allowed=False, hour=2, day=2, window="hour:2026120211", first_over=True), "DEFER_IF_PERMIT"),
    (Count(allowed=False, hour=0, day=3, window="day:20261202"), "DEFER_IF_PERMIT"),
]


@pytest.mark.parametrize(("count", "expected"), QUOTA_CASES)
def test_the_quota_verdict(count, expected):
    assert policy.quota_verdict(count).split()[0] == expected


@pytest.mark.parametrize(("setting", "expected"), [("DUNNO", "DUNNO"), ("DEFER", "DEFER")])
def test_the_answer_on_error_is_the_setting(settings, setting, expected):
    settings.OKBNET_POLICY_ON_ERROR = setting
    assert policy.error_action().split()[0] == expected


# Taro may send 2 an hour and 3 a day. Each row: the clock, then (allowed, hour, day, window kind, first).
AT_10 = datetime(2026, 12, 2, 1, 5, tzinfo=UTC)  # 10:05 in Japan
AT_11 = datetime(2026, 12, 2, 2, 5, tzinfo=UTC)  # 11:05
NEXT_DAY = datetime(2026, 12, 2, 15, 5, tzinfo=UTC)  # 00:05 on 3 December in Japan
COUNTER_SEQUENCE = [
    (AT_10, (True, 1, 1, "", False)),
    (AT_10, (True, 2, 2, "", False)),
    (AT_10, (False, 2, 2, "hour:2026120210", True)),  # the first refusal of the hour reports
    (AT_10, (False, 2, 2, "hour:2026120210", False)),  # later ones in the same hour do not
    (AT_11, (True, 1, 3, "", False)),  # a new hour
    (AT_11, (False, 1, 3, "day:20261202", True)),  # the day is full now
    (AT_11, (False, 1, 3, "day:20261202", False)),
    (NEXT_DAY, (True, 1, 1, "", False)),
]


def test_the_memory_counters_follow_the_quota_window_by_window():
    counters = MemoryCounters()
    for now, expected in COUNTER_SEQUENCE:
        count = run_async(counters.count(TARO, *policy.windows(now)))
        assert (count.allowed, count.hour, count.day, count.window, count.first_over) == expected


def test_the_redis_counters_follow_the_same_table(policy_redis):
    import redis

    url = policy_redis
    member_id = 900000 + int.from_bytes(os.urandom(2))
    client = redis.Redis.from_url(url)
    sender = Sender(**{**TARO.__dict__, "member_id": member_id})

    async def run():
        counters = RedisCounters(url)
        try:
            return [await counters.count(sender, *policy.windows(now)) for now, _expected in COUNTER_SEQUENCE]
        finally:
            await counters.close()

    counts = run_async(run())
    assert [(c.allowed, c.hour, c.day, c.window, c.first_over) for c in counts] == [e for _n, e in COUNTER_SEQUENCE]
    # the keys expire (the member screen reads them for a while, Redis forgets them)
    hour_key, day_key = policy.counter_keys(member_id, *policy.windows(AT_11))
    assert 0 < client.ttl(hour_key) <= policy.HOUR_TTL
    assert 0 < client.ttl(day_key) <= policy.DAY_TTL


def test_closing_the_counters_adds_the_last_counts_once_and_leaves_no_task_pending(policy_redis):
    import redis

    member_id = 820000 + int.from_bytes(os.urandom(2))
    sender = Sender(**{**TARO.__dict__, "member_id": member_id, "hour_quota": 100, "day_quota": 100})
    hour, day = policy.windows(AT_10)

    async def run():
        counters = RedisCounters(policy_redis)
        await counters.count(sender, hour, day)
        await counters.count(sender, hour, day)
        exchange = counters._sync_task
        await asyncio.sleep(0)  # the exchange starts waiting out its interval
        await counters.close()
        return exchange, [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    exchange, pending = run_async(run())
    assert exchange is not None and exchange.done() and not exchange.cancelled()
    assert pending == []
    hour_key, day_key = policy.counter_keys(member_id, hour, day)
    client = redis.Redis.from_url(policy_redis)
    assert (int(client.get(hour_key)), int(client.get(day_key))) == (2, 2)


def test_recipients_counted_at_once_keep_the_quota_and_report_once(policy_redis):
    """Many connections' recipients at the same moment (the first waits for Redis, the others for it)."""
    sender = Sender(**{**TARO.__dict__, "member_id": 800000 + int.from_bytes(os.urandom(2))})
    hour, day = policy.windows(AT_10)

    async def run():
        counters = RedisCounters(policy_redis)
        try:
            return await asyncio.gather(*(counters.count(sender, hour, day) for _ in range(6)))
        finally:
            await counters.close()

    counts = run_async(run())
    assert sum(c.allowed for c in counts) == 2
    assert sum(c.first_over for c in counts) == 1
    assert sorted(c.hour for c in counts) == [1, 2, 2, 2, 2, 2]


def test_two_gateway_processes_share_the_counts_through_redis(policy_redis):
    sender = Sender(**{**TARO.__dict__, "member_id": 810000 + int.from_bytes(os.urandom(2)), "day_quota": 100})
    hour, day = policy.windows(AT_10)

    async def run():
        first, second = RedisCounters(policy_redis), RedisCounters(policy_redis)
        try:
            one = await first.count(sender, hour, day)
            await first.sync()  # what the periodic exchange does
            two = await second.count(sender, hour, day)
            three = await second.count(sender, hour, day)
            await second.sync()
            four = await first.count(sender, hour, day)  # first still believes 1: counts, then learns
            await first.sync()
            five = await first.count(sender, hour, day)
            return one, two, three, four, five
        finally:
            await first.close()
            await second.close()

    one, two, three, four, five = run_async(run())
    assert (one.allowed, one.hour) == (True, 1)
    assert (two.allowed, two.hour) == (True, 2)  # the second process saw the first one's recipient
    assert (three.allowed, three.first_over) == (False, True)
    assert four.allowed  # within one exchange interval the processes together may pass the quota
    assert (five.allowed, five.hour, five.first_over) == (False, 3, False)  # reported once, by the second
