"""Who held an address at a moment: the edges of sessions decide spam reports."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from network.selectors import address_holder
from tests.factories import MemberFactory, RadiusSessionFactory

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=JST)
SECOND = timedelta(seconds=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def handover():
    """203.0.113.7: alice 09:00–12:00, then bob from 12:00 with the session still open."""
    alice, bob = MemberFactory(), MemberFactory()
    RadiusSessionFactory(member=alice, address="203.0.113.7", started_at=T0, stopped_at=T0 + timedelta(hours=3))
    RadiusSessionFactory(member=bob, address="203.0.113.7", started_at=T0 + timedelta(hours=3))
    return alice, bob


@pytest.mark.parametrize(
    ("at", "who"),
    [
        (T0 - SECOND, None),  # before anyone
        (T0, "alice"),  # the start is inclusive
        (T0 + timedelta(hours=3) - SECOND, "alice"),  # the last second before the stop
        (T0 + timedelta(hours=3), "bob"),  # the stop is exclusive: the next session owns the instant
        (T0 + timedelta(days=30), "bob"),  # an open session holds on
    ],
)
def test_it_finds_who_held_the_address_at_each_edge(handover, at, who):
    alice, bob = handover
    holder = address_holder(address="203.0.113.7", at=at)
    assert (holder and holder.member) == {"alice": alice, "bob": bob, None: None}[who]


def test_nobody_holds_the_address_at_the_stop_when_no_session_follows():
    RadiusSessionFactory(address="203.0.113.9", started_at=T0, stopped_at=T0 + timedelta(hours=1))
    assert address_holder(address="203.0.113.9", at=T0 + timedelta(hours=1) - SECOND) is not None
    assert address_holder(address="203.0.113.9", at=T0 + timedelta(hours=1)) is None


def test_an_open_session_left_behind_gives_way_to_a_later_one():
    """A lost Stop record must not blame the old holder for what the next one sent."""
    stale, current = MemberFactory(), MemberFactory()
    RadiusSessionFactory(member=stale, address="203.0.113.10", started_at=T0)
    RadiusSessionFactory(member=current, address="203.0.113.10", started_at=T0 + timedelta(hours=1))
    assert address_holder(address="203.0.113.10", at=T0 + timedelta(minutes=59)).member == stale
    assert address_holder(address="203.0.113.10", at=T0 + timedelta(hours=2)).member == current


def test_it_matches_ipv6_addresses_whatever_their_spelling():
    member = MemberFactory()
    RadiusSessionFactory(member=member, address="2001:db8::7", started_at=T0)
    holder = address_holder(address="2001:0DB8:0:0::7", at=T0 + SECOND)
    assert (holder.member, holder.source, holder.until) == (member, "session", None)


def test_another_address_is_not_confused_with_it(handover):
    assert address_holder(address="203.0.113.70", at=T0 + SECOND) is None


def fixed_history(*spans):
    """One fixed address held by members in turn: spans of (member, from, until)."""
    from network.models import IpAssignment
    from tests.factories import FixedPoolFactory

    address = FixedPoolFactory(network="192.0.2.8/29").addresses.get(address="192.0.2.9")
    for member, start, stop in spans:
        IpAssignment.objects.create(member=member, address=address, assigned_from=start, assigned_until=stop)


def test_fixed_assignments_count_from_their_start_to_their_end():
    before, after = MemberFactory(), MemberFactory()
    handover = T0 + timedelta(days=10)
    fixed_history((before, T0, handover), (after, handover, None))
    assert address_holder(address="192.0.2.9", at=T0 - SECOND) is None
    assert address_holder(address="192.0.2.9", at=T0).member == before
    assert address_holder(address="192.0.2.9", at=handover - SECOND).member == before
    holder = address_holder(address="192.0.2.9", at=handover)
    assert (holder.member, holder.source, holder.until) == (after, "fixed", None)
    assert address_holder(address="192.0.2.9", at=handover + timedelta(days=400)).member == after
