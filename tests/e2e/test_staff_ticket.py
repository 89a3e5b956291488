"""Staff work a ticket in the browser; a member watches their plan change complete without reloading."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts import services as plan_changes
from support import services

from ..factories import FixedPoolFactory, MemberFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user) -> None:
    """A session made by Django's test client, handed to the browser (the log-in page is not under test)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_staff_find_assign_answer_and_park_a_ticket(page, live_server, axe_check):
    staff = StaffFactory(username="sato")
    member = MemberFactory(name="岡部 花子")
    ticket = services.ticket_open(member=member, category="op25b", subject="ポート25が使えない", by=None)
    services.ticket_open(member=MemberFactory(), category="spam_report", subject="迷惑メール", by=None)
    log_in(page, live_server, staff)

    page.goto("/staff/")
    assert page.locator('td[data-status="new"]').inner_text() == "2"
    assert axe_check(page) == []

    page.goto("/staff/tickets/")
    page.locator("#id_q").fill("花子")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/staff/tickets/?q=*")  # count() does not wait for the navigation
    rows = page.locator("table.tickets tbody tr")
    assert rows.count() == 1
    assert axe_check(page) == []
    rows.first.get_by_role("link", name=ticket.number).click()

    expect(page.locator("h1")).to_contain_text(ticket.number)  # the list has an h1 too
    assert "岡部 花子" in page.locator("#member-contract dl").inner_text()
    history = page.locator("ol.history li")
    # Each form posts and redirects back to this page: wait for the event it adds before the next step,
    # or the next step acts on the page being left (inner_text and evaluate_all do not wait).
    page.locator("#id_assignee").select_option(label="sato")
    page.locator("#id_assignee").locator("xpath=..").locator("button").click()
    expect(history).to_have_count(2)
    expect(page.locator('[data-role="assignee"]')).to_have_text("sato")

    page.locator("#id_body").fill("ポート587への変更をお願いします。")
    page.locator('button[name="action"][value="reply"]').click()
    expect(history).to_have_count(4)
    page.locator("#id_body").fill("電話は不在")
    page.locator('button[name="action"][value="note"]').click()
    expect(history).to_have_count(5)
    page.locator("#id_status").select_option("pending")
    page.locator("#id_status").locator("xpath=..").locator("button").click()
    expect(history).to_have_count(6)

    kinds = history.evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["created", "assignment", "public_reply", "status", "internal_note", "status"]
    assert "ポート587への変更をお願いします。" in page.locator("ol.history").inner_text()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == ("pending", staff)
    assert axe_check(page) == []


def test_the_member_watches_the_stepper_reach_completed_without_reloading(page, live_server, celery_worker, axe_check):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    log_in(page, live_server, member.user)
    page.goto("/mypage/plan/fixed-ip/")
    assert page.locator('[data-role="new-fee"]').inner_text() == "8,030円"  # money the Japanese way
    assert axe_check(page) == []
    page.locator('input[name="confirm"]').check()
    page.locator("form:has(input[name=confirm]) button[type=submit]").click()

    page.wait_for_selector('.stepper li[data-step="completed"].done', timeout=30_000)
    page.wait_for_selector('[data-role="result"]:not([hidden])')
    request = member.plan_change_requests.get()
    assert page.locator('[data-role="ip"]').inner_text() == request.fixed_ip
    assert page.locator('[data-role="username"]').inner_text() == request.new_connection_username
    assert page.locator(".stepper li.done").count() == len(plan_changes.STEPS)
    assert axe_check(page) == []
