"""The answer, right and complete for someone who knows nothing technical (issue 12), in a phone's
width: the port they do not know, where Outlook shows it, back with the answers kept, the
verdict with the Outlook steps, the values large with a copy button; and the route picture's
labels inside their boxes in both languages."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDER_THAN_VIEWPORT = """() => [...document.querySelectorAll('body *')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 0.5 || r.width > innerWidth); })
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport=PHONE, bypass_csp=True, is_mobile=True, has_touch=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_member_who_does_not_know_the_port_finds_it_in_outlook_and_gets_the_answer(phone, axe_check):
    page = phone
    page.goto("/check/")
    page.get_by_label("動的IP（通常のプラン）").check()
    page.get_by_label("他のプロバイダーや会社のメールアドレスをメールソフトで使う").check()
    page.locator("#field-port").get_by_label("わからない", exact=True).check()
    page.get_by_label("どちらも使えない（ポート25のみ）").check()
    page.get_by_label("そのプロバイダーの送信サーバー（任意）").fill("smtp.example.jp")
    page.get_by_label("Outlook（クラシック）").check()
    page.get_by_role("button", name="判定を見る").click()

    assert page.locator("section.verdict").get_attribute("data-rule") == "R4"
    where = page.locator("#find-port")
    assert where.is_visible()
    outlook = where.locator('.guide-selected[data-program="outlook_classic"]')
    assert "［ファイル］→［情報］→［アカウント設定］→［サーバーの設定］" in outlook.inner_text()
    assert "［ポート］" in outlook.inner_text()
    assert where.locator("details.guide").count() >= 7  # the picker of every other program
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert axe_check(page) == []

    where.get_by_role("link", name="ポート番号を入力する（他の回答はそのままです）").click()
    page.wait_for_url(re.compile(r".*/check/\?.*edit=1.*"))
    assert page.get_by_label("他のプロバイダーや会社のメールアドレスをメールソフトで使う").is_checked()
    assert page.get_by_label("どちらも使えない（ポート25のみ）").is_checked()
    assert page.get_by_label("Outlook（クラシック）").is_checked()
    assert page.get_by_label("そのプロバイダーの送信サーバー（任意）").input_value() == "smtp.example.jp"
    assert not page.locator("#field-port input:checked").count()
    page.locator("#field-port").get_by_label("25", exact=True).check()
    page.get_by_role("button", name="判定を見る").click()

    verdict = page.locator("section.verdict")
    expect(verdict).to_have_attribute("data-rule", "R11")
    guide = page.locator('details.guide[data-program="outlook_classic"]')
    assert guide.get_attribute("open") is not None
    assert "gw.okbnet.ne.jp" in guide.inner_text() and "587" in guide.inner_text()

    host = verdict.locator("dl.settings code.host").first
    assert host.inner_text() == "gw.okbnet.ne.jp"
    sizes = page.evaluate(
        """() => ({
          value: parseFloat(getComputedStyle(document.querySelector('dl.settings code.host')).fontSize),
          body: parseFloat(getComputedStyle(document.body).fontSize),
          label: Math.max(...[...document.querySelectorAll('dl.settings dt')].map(e => parseFloat(getComputedStyle(e).fontSize))),
          lines: Math.round(document.querySelector('dl.settings code.host').getBoundingClientRect().height
                 / parseFloat(getComputedStyle(document.querySelector('dl.settings code.host')).lineHeight || 24)),
        })"""
    )
    assert sizes["value"] >= sizes["body"] and sizes["value"] > sizes["label"], sizes
    assert host.bounding_box()["height"] < 2 * sizes["value"] * 1.8, "the host name is on one line"

    copy = verdict.locator("dl.settings .setting").first.get_by_role("button", name=re.compile("コピー"))
    copy.click()
    page.wait_for_function("() => document.querySelector('.copy-button.copied') !== null")
    assert copy.inner_text() == "コピーしました"
    assert page.evaluate("navigator.clipboard.readText()") == "gw.okbnet.ne.jp"
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_check(page) == []


ROUTES = [
    # (query, what it draws)
    "ip_type=dynamic&sending_via=other_provider&port=25&provider_submission=none&provider_host=smtp.example-provider.co.jp",
    "ip_type=dynamic&sending_via=okbnet&port=25",
    "ip_type=dynamic&sending_via=own_server&port=25",
    "ip_type=dynamic&sending_via=own_server&port=587",
    "ip_type=dynamic&sending_via=webmail",
    "ip_type=dynamic&sending_via=other_provider&port=unknown",
]
LABELS_OUTSIDE = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.route-svg')) {
    const view = svg.viewBox.baseVal;
    for (const g of svg.querySelectorAll('g.node')) {
      const r = g.querySelector('rect').getBBox();
      for (const t of g.querySelectorAll('text')) {
        const b = t.getBBox();
        if (b.x < r.x + 4 || b.x + b.width > r.x + r.width - 4 || b.y < r.y || b.y + b.height > r.y + r.height)
          out.push(t.textContent);
      }
    }
    const boxes = [...svg.querySelectorAll('g.node rect')].map(r => r.getBBox());
    for (const t of svg.querySelectorAll('g.hop text')) {
      const b = t.getBBox();
      if (b.x < view.x || b.x + b.width > view.x + view.width || b.y < 0 || b.y + b.height > view.height)
        out.push('outside the picture: ' + t.textContent);
      for (const r of boxes)
        if (b.x < r.x + r.width && b.x + b.width > r.x && b.y < r.y + r.height && b.y + b.height > r.y)
          out.push('on a box: ' + t.textContent);
    }
    const rendered = svg.getBoundingClientRect().width / view.width;
    if (rendered < 0.95) out.push('scaled down to ' + rendered.toFixed(2));
  }
  return out;
}"""


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_label_of_the_route_picture_fits_its_box(phone, language):
    seen = 0
    for query in ROUTES:
        phone.goto(f"/check/?{query}&lang={language}")
        count = phone.locator("svg.route-svg text").count()
        assert count, query
        seen += count
        assert phone.evaluate(LABELS_OUTSIDE) == [], query
        text = phone.locator("ol.route-text").first.inner_text()
        assert "((" not in text and "（（" not in text
    assert seen > 20
