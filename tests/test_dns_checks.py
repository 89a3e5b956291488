"""Stored DNS checks: queued by the service, run by the real worker, kept with TTL and history."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailsettings import selectors, services
from mailsettings.models import DnsCheck

from .waiting import wait_for

OWN = DnsCheck.Kind.OWN_DOMAIN
PROVIDER = DnsCheck.Kind.PROVIDER


def wait_done(check_id: int, timeout: float = 30.0) -> DnsCheck:
    return wait_for(
        lambda: DnsCheck.objects.filter(pk=check_id, status=DnsCheck.Status.DONE).first(),
        timeout=timeout,
        what=f"DNS check {check_id} to finish",
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_own_domain_check_and_stores_it_with_its_ttl(celery_worker, okbnet_test_names):
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    assert check.status == DnsCheck.Status.QUEUED
    done = wait_done(check.pk)
    assert done.result["gateway_ok"] and done.result["mx_ok"] and done.result["spf_ok"]
    assert done.checked_at is not None
    assert timedelta(seconds=290) <= done.expires_at - done.checked_at <= timedelta(seconds=300)
    facts = selectors.dns_facts(domain="good.own.test", kind=OWN)
    assert facts["state"] == "checked" and facts["ok"] is True
    assert [f["key"] for f in facts["facts"] if f["ok"] is not True] == []
    assert [f["key"] for f in facts["facts"]] == ["gateway", "mx", "spf", "dkim", "dmarc", "submission", "autoconfig"]


@pytest.mark.django_db(transaction=True)
def test_a_provider_check_runs_through_the_worker(celery_worker, dns):
    check = services.dns_check_request(domain="only465.provider.test", kind=PROVIDER)
    done = wait_done(check.pk)
    assert done.result["support"] == "465"
    assert done.result["queries"] == 2


@pytest.mark.django_db
def test_a_domain_never_checked_says_so(dns):
    facts = selectors.dns_facts(domain="good.own.test", kind=OWN)
    assert (facts["state"], facts["facts"], facts["checked_at"]) == ("never_checked", [], None)


@pytest.mark.django_db
def test_a_queued_check_is_pending_and_a_second_request_reuses_it(dns, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.dns_check_request(domain="good.own.test", kind=OWN)
        second = services.dns_check_request(domain="GOOD.own.test.", kind=OWN)
    assert first.pk == second.pk
    assert len(callbacks) == 1
    assert selectors.dns_facts(domain="good.own.test", kind=OWN)["state"] == "pending"


@pytest.mark.django_db
def test_a_valid_result_is_returned_without_asking_dns_again(dns, django_capture_on_commit_callbacks):
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    services.dns_check_run(check_id=check.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.dns_check_request(domain="good.own.test", kind=OWN)
    assert again.pk == check.pk and callbacks == []


@pytest.mark.django_db
def test_an_expired_result_is_checked_again(dns):
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    services.dns_check_run(check_id=check.pk)
    DnsCheck.objects.filter(pk=check.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    again = services.dns_check_request(domain="good.own.test", kind=OWN)
    assert again.pk != check.pk and again.status == DnsCheck.Status.QUEUED
    assert selectors.dns_facts(domain="good.own.test", kind=OWN)["refreshing"] is True


@pytest.mark.django_db
def test_check_again_is_rate_limited_per_domain(dns, settings):
    settings.OKBNET_DNS_RECHECK_SECONDS = 60
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    services.dns_check_run(check_id=check.pk)
    with pytest.raises(services.RecheckTooSoon) as caught:
        services.dns_check_request(domain="good.own.test", kind=OWN, force=True)
    assert 0 < caught.value.retry_after <= 60
    DnsCheck.objects.filter(pk=check.pk).update(requested_at=timezone.now() - timedelta(seconds=61))
    assert services.dns_check_request(domain="good.own.test", kind=OWN, force=True).pk != check.pk


@pytest.mark.django_db
def test_running_a_check_twice_does_nothing_the_second_time(dns):
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    assert services.dns_check_run(check_id=check.pk) is not None
    first = DnsCheck.objects.get(pk=check.pk)
    assert services.dns_check_run(check_id=check.pk) is None
    assert DnsCheck.objects.get(pk=check.pk).checked_at == first.checked_at


@pytest.mark.django_db
def test_a_check_whose_worker_died_is_claimed_again_once_stale(dns):
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    DnsCheck.objects.filter(pk=check.pk).update(status="running", started_at=timezone.now())
    assert services.dns_check_run(check_id=check.pk) is None
    DnsCheck.objects.filter(pk=check.pk).update(started_at=timezone.now() - services.STALE_RUNNING * 2)
    assert services.dns_check_run(check_id=check.pk).status == DnsCheck.Status.DONE


@pytest.mark.django_db
def test_history_keeps_the_last_results(dns, settings):
    settings.OKBNET_DNS_RECHECK_SECONDS = 0
    for _ in range(services.HISTORY_KEEP + 3):
        check = services.dns_check_request(domain="half.own.test", kind=OWN, force=True)
        services.dns_check_run(check_id=check.pk)
    assert DnsCheck.objects.filter(domain="half.own.test").count() == services.HISTORY_KEEP
    facts = selectors.dns_facts(domain="half.own.test", kind=OWN)
    assert len(facts["history"]) == services.HISTORY_KEEP - 1
    assert facts["ok"] is False


@pytest.mark.django_db
def test_a_dns_failure_is_stored_briefly(settings):
    from .bad_dns import BadDnsServer, point_the_portal_at

    with BadDnsServer() as bad:
        point_the_portal_at(settings, bad)
        check = services.dns_check_request(domain="servfail.own.test", kind=OWN)
        services.dns_check_run(check_id=check.pk)
    check.refresh_from_db()
    assert check.result["error"] == "servfail"
    assert check.expires_at - check.checked_at == timedelta(seconds=services.TTL_ERROR)
    facts = selectors.dns_facts(domain="servfail.own.test", kind=OWN)
    assert facts["ok"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("domain", "key", "fragment"),
    [
        ("bare.own.test", "spf", "v=spf1 mx include:_spf.okbnet.ne.jp ~all"),
        ("half.own.test", "spf", "v=spf1 ip4:198.51.100.0/24 include:_spf.okbnet.ne.jp -all"),
        ("twospf.own.test", "spf", "include:_spf.okbnet.ne.jp"),
        ("half.own.test", "gateway", "CNAME gw.okbnet.ne.jp."),
        ("bare.own.test", "mx", "MX"),
    ],
)
def test_the_advice_says_in_plain_words_what_to_add(dns, domain, key, fragment):
    check = services.dns_check_request(domain=domain, kind=OWN)
    services.dns_check_run(check_id=check.pk)
    facts = {f["key"]: f for f in selectors.dns_facts(domain=domain, kind=OWN)["facts"]}
    assert facts[key]["ok"] is False
    assert fragment in facts[key]["advice"]


@pytest.mark.django_db
def test_a_member_with_an_own_domain_gets_its_facts(okbnet_test_names):
    from .factories import MemberFactory, OwnDomainFactory

    member = MemberFactory(mail_address="taro@good.own.test")
    OwnDomainFactory(domain="good.own.test", member=member)
    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    services.dns_check_run(check_id=check.pk)
    facts = selectors.member_dns_facts(member)
    assert [(f["domain"], f["ok"]) for f in facts] == [("good.own.test", True)]
    assert selectors.member_dns_facts(MemberFactory(mail_address="hanako@okbnet.test")) == []


@pytest.mark.django_db
def test_staff_see_stored_checks_in_the_admin_read_only(client, dns):
    from .factories import StaffFactory

    check = services.dns_check_request(domain="good.own.test", kind=OWN)
    services.dns_check_run(check_id=check.pk)
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    assert "good.own.test" in client.get("/admin/mailsettings/dnscheck/").content.decode()
    assert client.get("/admin/mailsettings/dnscheck/add/").status_code == 403


@pytest.mark.django_db
def test_okbnets_own_published_spf_is_checked_the_same_way(okbnet_test_names, settings):
    check = services.dns_check_request(domain=settings.OKBNET_MAIL_DOMAIN, kind=OWN)
    services.dns_check_run(check_id=check.pk)
    facts = selectors.dns_facts(domain=settings.OKBNET_MAIL_DOMAIN, kind=OWN)
    assert (facts["domain"], facts["ok"]) == ("okbnet.test", True)
    check.refresh_from_db()
    assert [s["result"] for s in check.result["spf"]] == ["pass", "pass", "pass"]
