"""IP pools and fixed-address allocation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from network.fields import normalise_network
from network.models import FixedAddress, IpAssignment, IpPool
from network.services import PoolExhausted, address_allocate, address_release, pool_create

from .factories import FixedPoolFactory, MemberFactory


def test_it_normalises_networks_and_refuses_host_bits():
    assert normalise_network(" 192.0.2.0/29 ") == "192.0.2.0/29"
    for bad in ("192.0.2.1/29", "banana", "300.0.0.0/8", ""):
        with pytest.raises(ValidationError):
            normalise_network(bad)


@pytest.mark.django_db
def test_a_fixed_pool_gets_one_row_per_usable_address():
    pool = pool_create(name="p", network="192.0.2.0/29", kind="fixed", line_type="fibre")
    addresses = list(pool.addresses.values_list("address", flat=True))
    assert addresses == [f"192.0.2.{i}" for i in range(1, 7)]  # no network, no broadcast
    assert IpPool.objects.get(pk=pool.pk).network == "192.0.2.0/29"


@pytest.mark.django_db
def test_a_dynamic_pool_has_no_address_rows():
    pool = pool_create(name="d", network="198.51.100.0/24", kind="dynamic", line_type="fibre")
    assert pool.addresses.count() == 0


@pytest.mark.django_db
def test_it_allocates_each_address_once_then_reports_exhaustion():
    FixedPoolFactory(network="192.0.2.0/30")  # 2 usable addresses
    members = MemberFactory.create_batch(3)
    with transaction.atomic():
        first = address_allocate(member=members[0], line_type="fibre")
        second = address_allocate(member=members[1], line_type="fibre")
    assert {first.address, second.address} == {"192.0.2.1", "192.0.2.2"}
    with pytest.raises(PoolExhausted), transaction.atomic():
        address_allocate(member=members[2], line_type="fibre")
    assert IpAssignment.objects.count() == 2


@pytest.mark.django_db
def test_a_member_who_holds_an_address_keeps_it_on_a_second_allocation():
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    with transaction.atomic():
        a = address_allocate(member=member, line_type="fibre")
        b = address_allocate(member=member, line_type="fibre")
    assert a.pk == b.pk
    assert FixedAddress.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_it_only_allocates_from_pools_of_the_line_type():
    FixedPoolFactory(network="192.0.2.0/30", line_type="adsl")
    with pytest.raises(PoolExhausted), transaction.atomic():
        address_allocate(member=MemberFactory(), line_type="fibre")


@pytest.mark.django_db
def test_a_released_address_is_free_again_and_the_history_is_closed():
    FixedPoolFactory(network="192.0.2.0/30")
    member = MemberFactory()
    with transaction.atomic():
        address = address_allocate(member=member, line_type="fibre")
    address_release(member=member)
    address.refresh_from_db()
    assert address.member is None
    assert IpAssignment.objects.get(member=member).assigned_until is not None
