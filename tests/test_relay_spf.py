"""SPF of OKBNET's relays: the record to publish, and the published one judged by the real evaluator (NSD)."""

import pytest

from network.models import SpfStatus
from network.services import pool_create
from network.spf import probe_addresses, spf_expected_record, spf_published_check, spf_terms

from .waiting import wait_for

RELAYS = ["203.0.113.25", "203.0.113.26", "2001:db8:25::25"]


def test_the_expected_record_lists_the_relays_collapsed_and_refuses_the_rest():
    assert spf_expected_record(RELAYS) == "v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ip6:2001:db8:25::25 -all"
    assert spf_expected_record(["192.0.2.0", "192.0.2.1"]) == "v=spf1 ip4:192.0.2.0/31 -all"


def test_terms_compare_whatever_the_order_qualifier_spelling_or_prefix():
    assert spf_terms("v=spf1 +ip4:203.0.113.25/32 IP6:2001:DB8:25::25 -all") == spf_terms(
        "v=spf1 ip6:2001:db8:25::25 ip4:203.0.113.25 -all"
    )
    assert spf_terms("v=spf1 ip4:203.0.113.25 ~all") != spf_terms("v=spf1 ip4:203.0.113.25 -all")


def test_one_probe_per_dynamic_range():
    assert probe_addresses(["198.51.100.0/25", "198.51.100.128/25", "2001:db8:100::/48"]) == [
        "198.51.100.1",
        "2001:db8:100::1",
    ]


@pytest.fixture
def okbnet_domain(dns, settings):
    def use(domain):
        settings.OKBNET_MAIL_DOMAIN = domain
        settings.OKBNET_SPF_INCLUDE = f"_spf.{domain}"

    return use


@pytest.mark.django_db
def test_a_published_record_with_the_same_terms_matches(okbnet_domain):
    okbnet_domain("spfexact.test")
    status = spf_published_check(dynamic_networks=["198.51.100.0/24"])
    assert status["published"] == "v=spf1 ip6:2001:db8:25::25 ip4:203.0.113.26 +ip4:203.0.113.25/32 -all"
    assert [r["result"] for r in status["relays"]] == ["pass", "pass", "pass"]
    assert [r["result"] for r in status["probes"]] == ["fail"]
    assert (status["record_matches"], status["ok"], status["error"]) == (True, True, None)


@pytest.mark.django_db
def test_a_record_that_lets_members_dynamic_lines_pass_does_not_match(okbnet_domain):
    okbnet_domain("spfwide.test")
    status = spf_published_check(dynamic_networks=["198.51.100.0/24"])
    assert status["relays_pass"]
    assert (status["dynamic_refused"], status["record_matches"], status["ok"]) == (False, False, False)
    assert status["probes"] == [{"ip": "198.51.100.1", "result": "pass", "code": None}]


@pytest.mark.django_db
def test_a_record_broader_than_the_relays_is_reported_even_when_they_pass(okbnet_domain):
    okbnet_domain("okbnet.test")  # publishes ip6:2001:db8:25::/64 for one relay address
    status = spf_published_check(dynamic_networks=[])
    assert status["relays_pass"] and status["dynamic_refused"]
    assert (status["record_matches"], status["ok"]) == (False, False)


@pytest.mark.django_db
def test_a_domain_without_spf_says_so(okbnet_domain):
    okbnet_domain("cname.test")
    status = spf_published_check(dynamic_networks=[])
    assert (status["published"], status["published_error"], status["ok"]) == (None, "nxdomain", False)
    assert not status["relays_pass"]


@pytest.mark.django_db(transaction=True)
def test_staff_check_now_and_the_dashboard_shows_the_record_and_that_it_matches(
    celery_worker, okbnet_domain, client, staff_user
):
    okbnet_domain("spfexact.test")
    pool_create(name="dyn", network="198.51.100.0/24", kind="dynamic", line_type="fibre")
    client.force_login(staff_user)
    page = client.get("/staff/").content.decode()
    assert "v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 ip6:2001:db8:25::25 -all" in page
    assert 'data-spf-ok="' not in page  # never checked yet

    assert client.post("/staff/network/spf/check/")["Location"] == "/staff/"
    wait_for(SpfStatus.objects.exists, what="the SPF check")
    assert 'data-spf-ok="true"' in client.get("/staff/").content.decode()


def test_only_staff_can_queue_a_check(client, alice):
    assert client.post("/staff/network/spf/check/").status_code == 302
    client.force_login(alice.user)
    assert client.post("/staff/network/spf/check/").status_code == 403
