"""Every page of the language crawl (tests/test_language_crawl.PAGES) in the browser at 390 px,
in Japanese and English: axe-core finds no serious or critical violation and nothing scrolls
sideways."""

import pytest
from django.utils import translation

from support import services as tickets
from support.models import Ticket
from tests.factories import MailSetupFactory, MemberFactory, StaffFactory
from tests.test_language_crawl import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


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
            if found or width > 390:
                problems[url] = {"axe": found, "scroll_width": width}
    context.close()
    assert problems == {}
