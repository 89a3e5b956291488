"""Every page of the language crawl (tests/test_language_crawl.PAGES) in the browser at 390 px,
in Japanese and English: axe-core finds no serious or critical violation, nothing scrolls
sideways, aria-describedby points only at elements that exist, and the focus ring has at least
3:1 contrast."""

import pytest
from django.utils import translation

from support import services as tickets
from support.models import Ticket
from tests.factories import MailSetupFactory, MemberFactory, StaffFactory
from tests.test_language_crawl import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.long_running]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory
MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')]
  .flatMap(e => e.getAttribute('aria-describedby').split(/\\s+/)).filter(id => id && !document.getElementById(id))"""
# The contrast of the focus ring of the first link or field in <main> against the page background.
FOCUS_RING_CONTRAST = """() => {
  const el = document.querySelector('main a, main input:not([type=hidden]), main button');
  el.focus();
  const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 0;
  const [a, b] = [lum(style.outlineColor), lum(getComputedStyle(document.documentElement).backgroundColor)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("who", ["anonymous", "member", "staff"])
def test_every_page_passes_axe_and_fits_a_phone(browser, live_server, axe_check, who):
    member = MemberFactory(mail_address="taro@okbnet.ne.jp")
    setup = MailSetupFactory(member=member, mail_program="outlook_classic", provider_submission="none")
    with translation.override("ja"):  # a ticket with a history of codes to label, no task queued
        ticket = tickets.ticket_open(
            member=member,
            category=Ticket.Category.PLAN_CHANGE,
            subject="固定IPプランへの変更",
            description="",
            by=member.user,
        )
        tickets.ticket_record_step(ticket=ticket, step="received")
    staff = StaffFactory()
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    if who == "member":
        _log_in(page, member.connection_username)
    elif who == "staff":
        _log_in(page, staff.username)
    problems = {}
    for owner, path in PAGES:
        if owner != who:
            continue
        for language in ("ja", "en"):
            url = path.format(setup=setup.pk, ticket=ticket.number)
            url += ("&" if "?" in url else "?") + f"lang={language}"
            page.goto(url)
            assert "/accounts/login/" not in page.url or who == "anonymous", url  # really logged in
            found = axe_check(page)
            width = page.evaluate("document.documentElement.scrollWidth")
            missing = page.evaluate(MISSING_DESCRIPTIONS)
            ring = page.evaluate(FOCUS_RING_CONTRAST)
            if found or width > 390 or missing or ring < 3:
                problems[url] = {
                    "axe": found,
                    "scroll_width": width,
                    "describedby_missing": missing,
                    "focus_ring": ring,
                }
    context.close()
    assert problems == {}
