"""/check/ with DNS: where the provider answer came from, own-domain facts, check now / again."""

import pytest
from django.test import Client

from mailsettings import services
from mailsettings.models import DnsCheck

from .waiting import run_queued_provider_checks

pytestmark = pytest.mark.django_db
OTHER = {"ip_type": "dynamic", "sending_via": "other_provider", "port": "25"}


@pytest.fixture(autouse=True)
def _registered_own_domains():
    from .factories import OwnDomainFactory

    for domain in ("good.own.test", "half.own.test"):
        OwnDomainFactory(domain=domain)


OWN = {"ip_type": "dynamic", "sending_via": "okbnet", "port": "587", "okbnet_address": "taro@good.own.test"}


def test_the_result_page_answers_at_once_and_says_it_is_checking(client, dns):
    html = client.get("/check/", {**OTHER, "provider_domain": "only465.provider.test", "lang": "en"}).content.decode()
    assert 'data-rule="R10"' in html
    assert 'data-state="pending"' in html and 'data-poll="/check/provider/?domain=only465.provider.test' in html
    assert "we are checking your provider now" in html
    assert DnsCheck.objects.get().status == DnsCheck.Status.QUEUED


def test_the_poll_says_when_the_check_is_done(client, dns):
    client.get("/check/", {**OTHER, "provider_domain": "only465.provider.test"})
    assert client.get("/check/provider/", {"domain": "only465.provider.test"}).json()["pending"] is True
    run_queued_provider_checks()
    body = client.get("/check/provider/", {"domain": "only465.provider.test"}).json()
    assert body == {"pending": False, "source": "dns"}


def test_the_result_page_says_the_provider_answer_came_from_dns(client, dns):
    client.get("/check/", {**OTHER, "provider_domain": "only465.provider.test"})
    run_queued_provider_checks()
    response = client.get("/check/", {**OTHER, "provider_domain": "only465.provider.test", "lang": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-rule="R9"' in html
    assert 'data-source="dns"' in html
    assert "Found in your provider&#x27;s DNS" in html


def test_the_result_page_says_the_provider_answer_came_from_the_catalogue(client, dns):
    html = client.get("/check/", {**OTHER, "provider_host": "smtp.gmail.com", "lang": "en"}).content.decode()
    assert 'data-rule="R8"' in html and 'data-source="catalogue"' in html


def test_the_result_page_says_when_nothing_was_found(client, dns):
    client.get("/check/", {**OTHER, "provider_domain": "absent.provider.test"})
    run_queued_provider_checks()
    html = client.get("/check/", {**OTHER, "provider_domain": "absent.provider.test", "lang": "en"}).content.decode()
    assert 'data-rule="R10"' in html and 'data-source=""' in html
    assert "Not found" in html


def test_an_own_domain_never_checked_offers_a_check(client, dns):
    html = client.get("/check/", {**OWN, "lang": "en"}).content.decode()
    assert 'data-state="never_checked"' in html
    assert "Never checked yet." in html and "Check now" in html


def test_the_own_domain_facts_appear_next_to_the_verdict_in_japanese(client, dns):
    check = services.dns_check_request(domain="half.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    html = client.get("/check/", {**OWN, "okbnet_address": "taro@half.own.test"}).content.decode()
    assert 'data-state="checked"' in html
    assert 'data-fact="gateway"' in html and "198.51.100.7" in html
    assert "gw.half.own.test. CNAME gw.okbnet.ne.jp." in html
    assert "要対応" in html  # "To fix"


def test_an_okbnet_address_shows_no_domain_facts(client, dns):
    html = client.get("/check/", {**OWN, "okbnet_address": "taro@okbnet.ne.jp"}).content.decode()
    assert 'id="dns-facts"' not in html


def test_check_now_queues_a_check_and_goes_back(dns, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/check/", OWN)
    token = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/check/dns/recheck/",
            {"kind": "own_domain", "domain": "good.own.test", "next": "/check/?sending_via=okbnet"},
            HTTP_X_CSRFTOKEN=token,
        )
    assert response.status_code == 302
    assert response["Location"] == "/check/?sending_via=okbnet#dns-facts"
    assert len(callbacks) == 1
    assert DnsCheck.objects.get().status == DnsCheck.Status.QUEUED


def test_check_again_too_soon_is_refused_with_a_message(client, dns, settings):
    settings.OKBNET_DNS_RECHECK_SECONDS = 60
    check = services.dns_check_request(domain="good.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    response = client.post(
        "/check/dns/recheck/", {"kind": "own_domain", "domain": "good.own.test", "next": "/check/"}, follow=True
    )
    assert "秒後にもう一度" in response.content.decode()
    assert DnsCheck.objects.count() == 1


def test_recheck_never_redirects_off_site(client, dns):
    response = client.post(
        "/check/dns/recheck/", {"kind": "own_domain", "domain": "good.own.test", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/check/#dns-facts"


@pytest.mark.parametrize(
    "data", [{"kind": "own_domain", "domain": "not a domain"}, {"kind": "bogus", "domain": "good.own.test"}, {}]
)
def test_bad_recheck_input_is_a_400(client, data):
    assert client.post("/check/dns/recheck/", data).status_code == 400


def test_the_fragment_shows_the_stored_facts(client, dns, django_assert_num_queries):
    check = services.dns_check_request(domain="good.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    with django_assert_num_queries(1):
        response = client.get("/check/dns/", {"kind": "own_domain", "domain": "good.own.test", "lang": "en"})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-state="checked"' in html
    assert "gw.good.own.test points to OKBNET&#x27;s relays." in html
    assert "data-poll" not in html


def test_one_client_cannot_queue_checks_without_end(client, dns, settings):
    settings.OKBNET_DNS_CHECKS_PER_CLIENT_HOUR = 2
    for name in ("good", "half", "bare"):
        response = client.post(
            "/check/dns/recheck/", {"kind": "own_domain", "domain": f"{name}.own.test", "next": "/check/"}, follow=True
        )
    assert "DNS確認の回数が多すぎます" in response.content.decode()
    assert sorted(DnsCheck.objects.values_list("domain", flat=True)) == ["good.own.test", "half.own.test"]


def test_a_saved_setup_shows_its_provider_answer_and_own_domain_facts(dns):
    from .factories import MailSetupFactory, MemberFactory

    member = MemberFactory(mail_address="hanako@half.own.test")
    setup = MailSetupFactory(
        member=member,
        sending_via="other_provider",
        port=25,
        provider_submission="unknown",
        provider_domain="only465.provider.test",
        okbnet_address="",
    )
    check = services.dns_check_request(domain="half.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    client = Client()
    client.force_login(member.user)
    client.get(f"/mypage/mail/{setup.id}/")
    run_queued_provider_checks()
    html = client.get(f"/mypage/mail/{setup.id}/?lang=en").content.decode()
    assert 'data-rule="R9"' in html and 'data-source="dns"' in html
    assert 'data-state="checked"' in html and "198.51.100.7" in html
