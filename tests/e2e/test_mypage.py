"""The demo member logs in, saves an affected setup, sees the verdict, the route with the blocked
hop and the Thunderbird guide, then changes a field and sees the verdict change. axe-core runs on
every page of the members' area and the account pages."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from accounts import demo
from accounts.models import Member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, axe_check, username, password):
    page.goto("/accounts/login/")
    assert axe_check(page) == []
    page.get_by_label("接続ユーザー名またはメールアドレス").fill(username)
    page.get_by_label("パスワード", exact=True).fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_the_demo_member_saves_an_affected_setup_and_then_fixes_it(page, axe_check):
    demo.seed()
    _log_in(page, axe_check, "okb1000001", demo.DEMO_MEMBER_PASSWORD)
    page.wait_for_url("**/mypage/")
    assert page.get_by_role("heading", level=1).inner_text() == "マイページ"
    assert "動的IP" in page.locator("#plan").inner_text()
    assert axe_check(page) == []

    page.get_by_role("link", name="メール設定を追加する").click()
    page.wait_for_url("**/mypage/mail/new/")
    assert page.locator("#field-port").is_hidden()  # until a sender that needs a port is chosen
    assert axe_check(page) == []
    page.get_by_label("この設定の名前").fill("自宅のPC")
    page.get_by_label("メールソフト", exact=True).select_option("thunderbird")
    page.get_by_label("他のプロバイダーや会社のメールアドレスをメールソフトで使う").check()
    page.locator("#field-port").get_by_label("25", exact=True).check()
    page.get_by_label("どちらも使えない（ポート25のみ）").check()
    page.get_by_label("そのプロバイダーの送信サーバー（任意）").fill("smtp.example.jp")
    page.get_by_role("button", name="保存して判定を見る").click()
    page.wait_for_url(re.compile(r".*/mypage/mail/\d+/$"))

    verdict = page.locator("section.verdict")
    assert verdict.get_attribute("data-verdict") == "affected_use_okbnet_gateway"
    assert "ゲートウェイ" in verdict.get_by_role("heading", level=2).inner_text()
    current = page.locator('figure[data-route="current"]')
    assert current.locator("svg g.hop-blocked").count() == 1
    assert "ここでOP25Bにより遮断" in current.locator("ol.route-text").inner_text()
    fixed = page.locator('figure[data-route="fixed"]')
    assert fixed.locator("svg g.hop-blocked").count() == 0
    assert "gw.okbnet.ne.jp" in fixed.inner_text()
    guide = page.locator('details.guide[data-program="thunderbird"]')
    assert guide.get_attribute("open") is not None
    guide_text = guide.inner_text()
    assert "gw.okbnet.ne.jp" in guide_text and "587" in guide_text and "送信 (SMTP) サーバー" in guide_text
    assert "taro@okbnet.ne.jp" in guide_text  # the member's own SMTP AUTH user name, never a password
    assert "承り書" not in guide_text
    assert axe_check(page) == []

    page.get_by_role("link", name="この設定を変更する").click()
    assert axe_check(page) == []
    page.locator("#field-port").get_by_label("587", exact=True).check()
    page.get_by_role("button", name="保存して判定を見る").click()
    page.wait_for_url(re.compile(r".*/mypage/mail/\d+/$"))
    assert page.locator("section.verdict").get_attribute("data-verdict") == "not_affected"
    assert page.locator("section.verdict").get_attribute("data-rule") == "R7"
    assert page.locator("svg g.hop-blocked").count() == 0

    page.get_by_role("link", name="マイページ").first.click()
    page.wait_for_url("**/mypage/")  # count() does not wait for the navigation
    item = page.locator("li.setup")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-rule", "R7")

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="ログイン").is_visible()


def test_the_check_result_shows_the_route_with_the_blocked_hop(page, axe_check):
    page.goto("/check/?ip_type=dynamic&sending_via=own_server&port=25")
    assert page.locator("section.verdict").get_attribute("data-rule") == "R13"
    assert page.locator('figure[data-route="current"] svg g.hop-blocked').count() == 1
    assert "固定IPの回線" in page.locator('figure[data-route="fixed"]').inner_text()
    assert axe_check(page) == []


def test_the_account_pages_have_no_serious_accessibility_problems(page, axe_check):
    demo.seed()
    for path in ("/accounts/activate/", "/accounts/password_reset/", "/accounts/password_reset/done/"):
        page.goto(path)
        assert axe_check(page) == [], path
    user = Member.objects.get(member_number="M1000001").user
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)
    page.goto(f"/accounts/reset/{uid}/{token}/")
    assert page.get_by_label("新しいパスワード", exact=True).is_visible()
    assert axe_check(page) == []
    page.goto("/accounts/reset/done/")
    assert axe_check(page) == []
    for _ in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("接続ユーザー名またはメールアドレス").fill("okb1000001")
        page.get_by_label("パスワード", exact=True).fill("wrong-password")
        with page.expect_navigation():  # the next goto would otherwise cancel this post
            page.get_by_role("button", name="ログイン").click()
    assert "ログインを一時的にロックしました" in page.get_by_role("heading", level=1).inner_text()
    assert "分後" in page.locator(".retry-at").inner_text()
    assert axe_check(page) == []


def test_a_newcomer_activates_in_the_browser(page, axe_check):
    cache.clear()  # activation failure counts live in the shared cache
    lines = demo.seed()
    code = re.search(r"activation code (\w+)", lines[-1]).group(1)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="初めての方：承り書を使って利用を開始する").click()
    page.get_by_label("会員番号").fill("M1000002")
    page.get_by_label("接続ユーザー名").fill("okb1000002")
    page.get_by_label("利用開始コード").fill(code)
    page.get_by_label("新しいパスワード", exact=True).fill("hanako-new-passphrase")
    page.get_by_label("新しいパスワード（確認）").fill("hanako-new-passphrase")
    page.get_by_role("button", name="利用を開始してログイン").click()
    page.wait_for_url("**/mypage/")
    assert "岡部 花子" in page.locator("main").inner_text()
    assert axe_check(page) == []
