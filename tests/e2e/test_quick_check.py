"""A visitor answers the quick check in Japanese and sees their row and the gateway host."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_answers_in_japanese_and_sees_the_gateway(page, axe_check):
    page.goto("/check/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert axe_check(page) == []
    page.get_by_label("動的IP（通常のプラン）").check()
    page.get_by_label("他のプロバイダーや会社のメールアドレスをメールソフトで使う").check()
    page.locator("#field-port").get_by_label("25", exact=True).check()
    page.get_by_label("どちらも使えない（ポート25のみ）").check()
    page.get_by_role("button", name="判定を見る").click()

    verdict = page.locator("section.verdict")
    assert verdict.get_attribute("data-rule") == "R11"
    assert "ゲートウェイ" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.locator("dl.settings code.host").first.inner_text() == "gw.okbnet.ne.jp"
    highlighted = page.locator("table.quickref tr.current")
    assert highlighted.count() == 1
    assert highlighted.get_attribute("data-rule") == "R11"
    assert "あなたの場合" in highlighted.inner_text()
    assert axe_check(page) == []


def test_questions_that_do_not_apply_are_hidden_and_a_missing_answer_is_explained(page):
    page.goto("/check/")
    assert page.locator("#field-port").is_hidden() and page.locator("#field-provider_submission").is_hidden()
    page.get_by_label("OKBNETのメールアドレスをメールソフトで使う").check()
    assert page.locator("#field-port").is_visible()
    assert page.locator("#field-provider_submission").is_hidden()
    page.get_by_role("button", name="判定を見る").click()
    assert page.locator("#field-ip_type .error").inner_text().count("この項目は必須です。") == 1  # once
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("e => e === document.activeElement")  # the GOV.UK error summary has focus
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "ip_type"
    assert page.locator("#field-port .error").is_visible()


def test_english_on_request(page):
    page.goto("/check/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Does OP25B affect your mail?"
