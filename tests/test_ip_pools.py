"""IP pools never overlap: PostgreSQL refuses it outright, forms and the admin explain it everywhere."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from network.models import IpPool
from network.services import pool_create
from tests.components import require

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ("198.51.100.0/24", "198.51.100.128/25"),  # inside
        ("198.51.100.128/25", "198.51.100.0/24"),  # around
        ("198.51.100.0/24", "198.51.100.0/24"),  # the same
        ("2001:db8:100::/48", "2001:db8:100:8000::/49"),  # IPv6 inside
    ],
)
def test_the_service_refuses_an_overlapping_pool(existing, new):
    pool_create(name="first", network=existing, kind="dynamic", line_type="fibre")
    with pytest.raises(ValidationError) as caught:
        pool_create(name="second", network=new, kind="dynamic", line_type="fibre")
    assert "network" in caught.value.message_dict
    assert IpPool.objects.count() == 1


def test_neighbouring_pools_and_both_ip_versions_are_fine():
    pool_create(name="a", network="198.51.100.0/25", kind="dynamic", line_type="fibre")
    pool_create(name="b", network="198.51.100.128/25", kind="dynamic", line_type="fibre")
    pool_create(name="c", network="2001:db8:100::/48", kind="dynamic", line_type="fibre")
    pool_create(name="d", network="2001:db8:200::/120", kind="fixed", line_type="fibre")
    assert IpPool.objects.count() == 4
    assert IpPool.objects.get(name="d").addresses.count() == 256


def test_a_fixed_pool_too_large_for_address_rows_is_refused():
    with pytest.raises(ValidationError):
        pool_create(name="huge", network="2001:db8:300::/64", kind="fixed", line_type="fibre")
    assert not IpPool.objects.exists()


def test_postgresql_refuses_an_overlapping_pool_even_without_validation():
    require(settings.IS_POSTGRES, "PostgreSQL (DATABASE_URL)")
    IpPool.objects.create(name="a", network="198.51.100.0/24", kind="dynamic", line_type="fibre")
    with pytest.raises(IntegrityError, match="network_ippool_no_overlap"), transaction.atomic():
        IpPool.objects.create(name="b", network="198.51.100.64/26", kind="fixed", line_type="fibre")
    with pytest.raises(IntegrityError, match="network_ippool_no_overlap"), transaction.atomic():
        IpPool.objects.create(name="c", network="2001:db8::/32", kind="dynamic", line_type="fibre")
        IpPool.objects.create(name="d", network="2001:db8:1::/48", kind="dynamic", line_type="fibre")
    IpPool.objects.create(name="e", network="198.51.101.0/24", kind="dynamic", line_type="fibre")  # a neighbour


def test_the_admin_form_shows_the_overlap(admin_client):
    pool_create(name="first", network="198.51.100.0/24", kind="dynamic", line_type="fibre")
    response = admin_client.post(
        "/admin/network/ippool/add/",
        {"name": "second", "network": "198.51.100.0/26", "kind": "dynamic", "line_type": "fibre", "active": "on"},
    )
    assert response.status_code == 200
    assert "first" in response.context["adminform"].form.errors["network"][0]
    assert IpPool.objects.count() == 1
