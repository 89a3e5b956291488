"""A member with an own domain checks its DNS from the result page; the facts appear without a reload."""

from urllib.parse import urlencode

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_check_now_runs_on_the_worker_and_the_facts_appear_in_place(page, axe_check, celery_worker, dns):
    from tests.factories import OwnDomainFactory

    OwnDomainFactory(domain="half.own.test")  # OKBNET hosts it: the registry
    query = urlencode(
        {"ip_type": "dynamic", "sending_via": "okbnet", "port": "587", "okbnet_address": "taro@half.own.test"}
    )
    page.goto(f"/check/?{query}")
    facts = page.locator("#dns-facts")
    assert facts.get_attribute("data-state") == "never_checked"
    assert "まだ確認していません" in facts.inner_text()
    assert axe_check(page) == []

    page.get_by_role("button", name="今すぐ確認する").click()
    assert "DNSの確認を始めました" in page.locator(".messages").inner_text()
    # The worker runs the check; the page polls and replaces the section when it is done.
    page.wait_for_selector('#dns-facts[data-state="checked"]', timeout=20_000)
    text = page.locator("#dns-facts").inner_text()
    assert "gw.half.own.test. CNAME gw.okbnet.ne.jp." in text
    assert "include:_spf.okbnet.ne.jp" in text
    assert page.get_by_role("button", name="もう一度確認する").is_visible()
    assert axe_check(page) == []


def test_the_provider_answer_source_is_shown_in_english(page, dns, celery_worker):
    query = urlencode(
        {
            "ip_type": "dynamic",
            "sending_via": "other_provider",
            "port": "25",
            "provider_domain": "only465.provider.test",
            "lang": "en",
        }
    )
    page.goto(f"/check/?{query}")
    # The worker asks DNS; the page updates itself when it is done.
    page.wait_for_selector('section.verdict[data-rule="R9"]', timeout=30_000)
    assert "Found in your provider's DNS" in page.locator(".provider-source").inner_text()
    assert page.locator("dl.settings code.host").first.inner_text() == "smtps.only465.provider.test"
