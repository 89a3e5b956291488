"""/check/ with a provider nobody knows: the answer comes at once, then the page updates itself
when the worker's DNS check and submission probe (a real SMTP peer on loopback) are done."""

from urllib.parse import urlencode

import pytest

from tests.smtp_servers import SubmissionPeer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(tmp_path, settings, dns):
    with SubmissionPeer("127.0.0.18", tmp_path, ["smtp.e2e.probe.test"]) as peer:
        peer.apply(settings)
        yield peer


def test_an_unknown_provider_answers_at_once_then_turns_to_r8_when_the_probe_finishes(
    page, axe_check, celery_worker, provider
):
    query = urlencode(
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": "25", "provider_host": "smtp.e2e.probe.test"}
    )
    page.goto(f"/check/?{query}")
    assert page.locator("section.verdict").get_attribute("data-rule") == "R10"
    assert page.locator("#provider-check").get_attribute("data-state") == "pending"
    assert "確認しています" in page.locator("#provider-check").inner_text()
    assert axe_check(page) == []

    page.wait_for_selector('section.verdict[data-rule="R8"]', timeout=30_000)
    box = page.locator("#provider-check")
    assert box.get_attribute("data-source") == "probe"
    text = box.inner_text()
    assert "smtp.e2e.probe.test" in text and "587番ポート" in text and "465番ポート" in text
    assert not any(code in text for code in ("R8", "R10", "no_auth", "starttls=", "timeout"))  # no codes
    assert page.locator("dl.settings code.host").first.inner_text() == "smtp.e2e.probe.test"
    assert provider.forbidden() == []
    # The copy buttons of the new answer work (copy_values.js bound them after the update).
    assert page.locator("[data-copy][data-copy-bound]").count() == page.locator("[data-copy]").count()
    assert axe_check(page) == []
