"""The verdict uses what DNS (then the catalogue) said about a provider when the member does not
know its ports. The look-up itself runs in a worker: the first answer comes at once from what is
stored, and the look-up is queued; once it has run, the verdict follows it."""

from pathlib import Path

import pytest

from mailsettings import op25b, providers, services
from mailsettings.models import DnsCheck

from .bad_dns import BadDnsServer, point_the_portal_at
from .dns_zones import IDN_DOMAIN, IDN_ZONE
from .waiting import run_queued_provider_checks

pytestmark = pytest.mark.django_db
URL = "/api/v1/op25b/verdict/"
BASE = {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25}


def verdict(**extra):
    return services.verdict_give({**BASE, **extra}, counted=True)[0]


def verdict_after_the_worker(**extra):
    verdict(**extra)
    run_queued_provider_checks()
    return verdict(**extra)


@pytest.mark.parametrize(
    ("extra", "rule", "support", "source", "host"),
    [
        ({"provider_domain": "both.provider.test"}, "R8", "both", "dns", "smtp.both.provider.test"),
        ({"provider_domain": "only587.provider.test"}, "R8", "587", "dns", "mail.only587.provider.test"),
        ({"provider_domain": "only465.provider.test"}, "R9", "465", "dns", "smtps.only465.provider.test"),
        ({"provider_domain": "declined.provider.test"}, "R11", "none", "dns", "gw.okbnet.ne.jp"),
        ({"provider_host": "smtp.hostonly.provider.test"}, "R8", "587", "dns", "smtp.hostonly.provider.test"),
        ({"provider_domain": IDN_DOMAIN}, "R8", "587", "dns", f"smtp.{IDN_ZONE}"),
        ({"provider_domain": "absent.provider.test"}, "R10", "unknown", None, None),
        ({"provider_domain": "nowhere.provider.test"}, "R10", "unknown", None, None),
    ],
)
def test_an_unknown_provider_becomes_r8_r9_or_r11_when_dns_answers(dns, extra, rule, support, source, host):
    first = verdict(**extra)
    assert (first["rule"], first["provider_submission_pending"]) == ("R10", True)  # at once, nothing known yet
    result = verdict_after_the_worker(**extra)
    assert (result["rule"], result["provider_submission"], result["provider_submission_source"]) == (
        rule,
        support,
        source,
    )
    assert (result["settings"] or {}).get("host") == host
    assert result["provider_submission_pending"] is False


def test_what_the_member_said_wins_over_dns(dns):
    verdict_after_the_worker(provider_domain="declined.provider.test")
    result = verdict(provider_domain="declined.provider.test", provider_submission="587")
    assert (result["rule"], result["provider_submission_source"]) == ("R8", "member")


def test_dns_is_not_asked_when_the_answer_would_not_change_the_verdict(dns):
    result = services.verdict_give({**BASE, "port": 587, "provider_domain": "both.provider.test"}, counted=True)[0]
    assert (result["rule"], result["provider_submission_source"]) == ("R7", None)
    assert not DnsCheck.objects.exists()


def test_the_catalogue_answers_at_once_when_dns_says_nothing(dns):
    # gmail.com is not served by the test DNS server: the catalogue answers before any look-up ran.
    result = verdict(provider_domain="gmail.com")
    assert (result["rule"], result["provider_submission"], result["provider_submission_source"]) == (
        "R8",
        "both",
        "catalogue",
    )
    assert result["settings"]["host"] == "smtp.gmail.com"
    assert result["alternatives"][0]["port"] == 465
    run_queued_provider_checks()
    assert verdict(provider_domain="gmail.com")["provider_submission_source"] == "catalogue"


def test_the_catalogue_knows_yahoo_japan_by_its_outgoing_host(dns):
    result = verdict(provider_host="smtp.mail.yahoo.co.jp")
    assert (result["rule"], result["provider_submission_source"]) == ("R9", "catalogue")


def test_every_catalogue_entry_is_a_valid_answer_and_dated():
    assert providers.REVIEWED
    for entry in providers.CATALOGUE:
        assert entry.submission in {"587", "465", "both"}
        assert entry.domains or entry.hosts


def test_the_request_never_waits_on_dns_that_cannot_answer(settings):
    with BadDnsServer() as bad:
        point_the_portal_at(settings, bad)
        result = verdict(provider_domain="silent.example.test", provider_host="smtp.other.example.test")
        assert bad.received == 0  # the request asked nothing: the worker will
        assert (result["rule"], result["provider_submission_pending"]) == ("R10", True)
        run_queued_provider_checks()  # the worker's look-up times out
        assert bad.received > 0
        result = verdict(provider_domain="silent.example.test", provider_host="smtp.other.example.test")
    assert (result["rule"], result["provider_submission_source"]) == ("R10", None)


def test_a_second_verdict_is_answered_from_what_is_stored(dns, settings):
    verdict_after_the_worker(provider_domain="both.provider.test")
    with BadDnsServer() as bad:  # DNS now unreachable: the stored answer still stands
        point_the_portal_at(settings, bad)
        result = verdict(provider_domain="both.provider.test")
        assert run_queued_provider_checks() == 0 and bad.received == 0
    assert (result["rule"], result["provider_submission_source"]) == ("R8", "dns")


def test_the_api_says_where_the_answer_came_from(api, dns):
    verdict_after_the_worker(provider_domain="only465.provider.test")
    response = api.post(URL, {**BASE, "provider_domain": "only465.provider.test"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["rule"], body["provider_submission"], body["provider_submission_source"]) == ("R9", "465", "dns")


@pytest.mark.django_db(transaction=True)
def test_the_api_waits_for_the_worker_s_dns_check_when_asked(api, dns, celery_worker):
    response = api.post(URL, {**BASE, "provider_domain": "only587.provider.test", "wait": True}, format="json")
    body = response.json()
    assert (body["rule"], body["provider_submission_source"]) == ("R8", "dns")


def test_op25b_stays_free_of_dns():
    source = Path(op25b.__file__).read_text(encoding="utf-8")
    assert "dnscheck" not in source and "import dns" not in source and "socket" not in source
