"""The error-message box on a phone: paste Outlook's message on /check/, read what it means and
follow the link to the settings; an empty box gets the error summary. No script is needed."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TARGETS = (
    "main .diagnose-form button, main .diagnosis a.button, main .diagnose-form textarea, main .diagnose-form select"
)
TAP_TARGETS_TOO_SMALL = """() => [...document.querySelectorAll('TARGETS')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.height < 44 || r.width < 44; })
  .map(e => e.outerHTML.slice(0, 80))""".replace("TARGETS", TARGETS)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_member_pastes_outlooks_message_and_is_led_to_the_gateway_settings(phone, axe_check):
    phone.goto("/check/")
    box = phone.get_by_label("メールソフトに表示されたエラーメッセージを貼り付けてください")
    box.fill(
        "タスク 'smtp.example.jp - 送信中' がエラー (0x800CCC0E) を報告しました: 'サーバーに接続できませんでした。'"
    )
    phone.get_by_label("どのメールソフトで表示されましたか（任意）").select_option("outlook_classic")
    phone.get_by_role("button", name="このメッセージの意味を調べる").click()

    result = phone.locator("section.diagnosis")
    assert result.get_attribute("data-recognised") == "true"
    first = result.locator("article.diagnosis-match").first
    assert first.get_attribute("data-cause") == "port25_blocked"
    assert "送信サーバーにつながりません" in first.get_by_role("heading", level=3).inner_text()
    assert first.locator("ol.steps li").count() >= 3
    assert axe_check(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(TAP_TARGETS_TOO_SMALL) == []
    assert (
        "0x800CCC0E" in phone.get_by_label("メールソフトに表示されたエラーメッセージを貼り付けてください").input_value()
    )

    first.get_by_role("link", name="入力する設定を見る").click()
    expect(phone.locator("section.verdict")).to_have_attribute("data-rule", "R11")
    assert phone.locator("dl.settings code.host").first.inner_text() == "gw.okbnet.ne.jp"


def test_an_empty_box_gets_the_error_summary_and_unknown_text_the_next_step(phone, axe_check):
    phone.goto("/check/diagnose/")
    phone.get_by_role("button", name="このメッセージの意味を調べる").click()
    summary = phone.locator("[data-error-summary]")
    assert summary.evaluate("e => e === document.activeElement")
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "diagnose_error_text"
    assert axe_check(phone) == []

    phone.get_by_label("メールソフトに表示されたエラーメッセージを貼り付けてください").fill("何か変なことが起きました")
    phone.get_by_role("button", name="このメッセージの意味を調べる").click()
    assert phone.locator("section.diagnosis").get_attribute("data-recognised") == "false"
    assert phone.get_by_role("link", name="簡易チェックをする").is_visible()
    assert axe_check(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.evaluate(TAP_TARGETS_TOO_SMALL) == []
