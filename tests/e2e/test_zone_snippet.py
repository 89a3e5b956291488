"""A member with an own domain sees its DNS facts and copies the records to publish with one tap."""

import pytest

from mailsettings import services
from mailsettings.models import DnsCheck
from tests.factories import MemberFactory, OwnDomainFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_member_copies_the_records_of_their_domain(page, axe_check, okbnet_test_names):
    member = MemberFactory(mail_address="taro@good.own.test")
    OwnDomainFactory(domain="good.own.test", member=member)  # OKBNET hosts it: the registry
    check = services.dns_check_request(domain="good.own.test", kind=DnsCheck.Kind.OWN_DOMAIN)
    services.dns_check_run(check_id=check.pk)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/accounts/login/")
    page.get_by_label("接続ユーザー名またはメールアドレス").fill(member.user.username)
    page.get_by_label("パスワード", exact=True).fill("correct-horse-battery")
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/mypage/")

    section = page.locator("#own-domain")
    assert section.get_by_role("heading", level=2).inner_text() == "独自ドメイン good.own.test のDNS"
    assert section.locator('[data-fact="dmarc"] .dns-mark').inner_text() == "OK"
    assert axe_check(page) == []
    button = section.get_by_role("button", name="レコードをコピー")
    button.click()
    page.wait_for_function("document.querySelector('[data-copy-target]').textContent === 'コピーしました'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "_submission._tcp\tIN\tSRV\t0 1 587 gw.good.own.test." in copied
    assert copied == section.locator("pre[data-zone]").inner_text()
