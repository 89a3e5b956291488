"""The carriers' list: /network/dynamic-ranges.txt, its CSV form and the API, polled cheaply."""

import csv
import io

import pytest
from django.core.cache import cache

from network.models import IpPool
from network.services import pool_create

pytestmark = pytest.mark.django_db

URLS = ["/network/dynamic-ranges.txt", "/network/dynamic-ranges.csv", "/api/v1/network/dynamic-ranges/"]


@pytest.fixture(autouse=True)
def pools():
    cache.clear()
    pool_create(name="fibre a", network="198.51.100.0/25", kind="dynamic", line_type="fibre")
    pool_create(name="fibre b", network="198.51.100.128/25", kind="dynamic", line_type="fibre")
    pool_create(name="v6", network="2001:db8:100::/48", kind="dynamic", line_type="fibre")
    pool_create(name="adsl", network="192.0.2.128/26", kind="dynamic", line_type="adsl")
    pool_create(name="fixed", network="192.0.2.0/29", kind="fixed", line_type="fibre")
    retired = pool_create(name="retired", network="203.0.113.0/24", kind="dynamic", line_type="fibre")
    IpPool.objects.filter(pk=retired.pk).update(active=False)


def test_the_text_list_has_collapsed_dynamic_ranges_only_under_a_header(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/network/dynamic-ranges.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# ")
    assert any(line.startswith("# generated: ") for line in lines)
    assert "# count: 3" in lines
    assert [line for line in lines if not line.startswith("#")] == [
        "192.0.2.128/26",
        "198.51.100.0/24",
        "2001:db8:100::/48",
    ]


def test_the_csv_form_has_the_same_ranges(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/network/dynamic-ranges.csv").content.decode())))
    assert [(r["cidr"], r["ip_version"], r["first_address"], r["last_address"]) for r in rows] == [
        ("192.0.2.128/26", "4", "192.0.2.128", "192.0.2.191"),
        ("198.51.100.0/24", "4", "198.51.100.0", "198.51.100.255"),
        ("2001:db8:100::/48", "6", "2001:db8:100::", "2001:db8:100:ffff:ffff:ffff:ffff:ffff"),
    ]


def test_the_api_is_public_and_has_the_same_ranges(client):
    body = client.get("/api/v1/network/dynamic-ranges/", HTTP_AUTHORIZATION="Api-Key nonsense").json()
    assert body["count"] == 3
    assert body["ranges"][2] == {"cidr": "2001:db8:100::/48", "ip_version": 6}
    assert body["generated_at"]


@pytest.mark.parametrize("url", URLS)
def test_a_poll_with_the_last_etag_or_date_gets_a_304_until_the_list_changes(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert "max-age=300" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304

    pool_create(name="new", network="198.18.0.0/24", kind="dynamic", line_type="fibre")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "198.18.0.0/24" in changed.content.decode()


def test_each_form_has_its_own_etag(client):
    assert len({client.get(url)["ETag"] for url in URLS}) == 3


def test_a_change_that_leaves_the_collapsed_list_alike_keeps_the_validators(client):
    first = client.get("/network/dynamic-ranges.txt")
    # Split 198.51.100.0/25 into two /26s: other pools, the same published list.
    IpPool.objects.filter(name="fibre a").delete()
    pool_create(name="a1", network="198.51.100.0/26", kind="dynamic", line_type="fibre")
    pool_create(name="a2", network="198.51.100.64/26", kind="dynamic", line_type="fibre")
    again = client.get("/network/dynamic-ranges.txt", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Last-Modified"] == first["Last-Modified"]
