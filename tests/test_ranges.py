"""The carriers' ranges list: collapsed and sorted, for IPv4 and IPv6 alike."""

import ipaddress
import itertools
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from network.ranges import ranges_collapse, ranges_text


@st.composite
def networks(draw):
    version = draw(st.sampled_from([4, 6]))
    bits = 32 if version == 4 else 128
    # Addresses in a small corner of the space so that overlaps and neighbours are common.
    base = 0xC0000200 if version == 4 else 0x20010DB8 << 96
    prefix = draw(st.integers(min_value=bits - 10, max_value=bits))
    offset = draw(st.integers(min_value=0, max_value=2**10 - 1))
    return ipaddress.ip_network((base + offset, prefix), strict=False)


@given(st.lists(networks(), max_size=30))
def test_collapsing_covers_exactly_what_ipaddress_collapses_in_sorted_order(nets):
    result = ranges_collapse(nets)
    v4 = list(ipaddress.collapse_addresses(n for n in nets if n.version == 4))
    v6 = list(ipaddress.collapse_addresses(n for n in nets if n.version == 6))
    assert result == v4 + v6
    # Sorted, no overlaps, no two neighbours that could merge.
    for a, b in itertools.pairwise(result):
        if a.version == b.version:
            assert a.broadcast_address < b.network_address
            assert list(ipaddress.collapse_addresses([a, b])) == [a, b]
        else:
            assert (a.version, b.version) == (4, 6)


@given(st.lists(networks(), max_size=30))
def test_collapsing_twice_changes_nothing(nets):
    once = ranges_collapse(nets)
    assert ranges_collapse(reversed(once)) == once


def test_it_merges_adjacent_ranges_and_tolerates_host_bits():
    assert [
        str(n) for n in ranges_collapse(["2001:db8::/33", "192.0.2.128/25", "2001:db8:8000::/33", "192.0.2.1/25"])
    ] == [
        "192.0.2.0/24",
        "2001:db8::/32",
    ]


def test_the_text_has_a_header_with_time_and_count_and_one_cidr_a_line():
    nets = ranges_collapse(["198.51.100.0/24", "192.0.2.0/24"])
    text = ranges_text(nets, generated_at=datetime(2026, 11, 28, 3, 0, tzinfo=UTC))
    assert text.splitlines() == [
        "# OKBNET dynamic IP ranges (OP25B applies to these sources)",
        "# generated: 2026-11-28T03:00:00+00:00",
        "# count: 2",
        "192.0.2.0/24",
        "198.51.100.0/24",
    ]
