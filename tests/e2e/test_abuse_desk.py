"""Staff file a spam report for an address and time, land on the right member and suspend them;
the member then logs in and sees why and what to do."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from tests.factories import MemberFactory, RadiusSessionFactory, StaffFactory

from ..waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 11, 1, 9, tzinfo=JST)


def logged_in_context(browser, live_server, user):
    """A browser context with the user's session (staff log-in is not what this test is about)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def test_staff_find_the_sender_suspend_them_and_the_member_sees_the_notice(
    browser, live_server, axe_check, celery_worker
):
    sender = MemberFactory(email="sender@example.jp")
    later = MemberFactory()
    RadiusSessionFactory(member=sender, address="203.0.113.7", started_at=T0, stopped_at=T0 + timedelta(hours=1))
    RadiusSessionFactory(member=later, address="203.0.113.7", started_at=T0 + timedelta(hours=1))
    staff = StaffFactory()

    context = logged_in_context(browser, live_server, staff)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/staff/abuse/reports/new/")
    assert axe_check(page) == []
    page.get_by_label("送信元 IP アドレス").fill("203.0.113.7")
    page.get_by_label("日時（日本時間）").fill("2026-11-01T09:59:59")  # the last second of the sender's session
    page.get_by_label("通報者").fill("abuse@example.net")
    page.get_by_label("証拠").fill("Received: from [203.0.113.7] by mx.example.net")
    page.get_by_role("button", name="通報を登録する").click()

    page.wait_for_url(f"**/staff/abuse/members/{sender.member_number}/?evidence=*")
    assert sender.member_number in page.get_by_role("heading", level=1).inner_text()
    evidence_number = page.get_by_label("証拠のチケット番号").input_value()
    assert evidence_number.startswith("T-")
    assert axe_check(page) == []

    page.get_by_label("利用停止").check()
    page.get_by_label("理由（会員に表示されます）").fill("お客様の回線から迷惑メールの送信を確認しました。")
    page.get_by_role("button", name="実行する").click()
    page.wait_for_url(f"**/staff/abuse/members/{sender.member_number}/")
    assert page.locator("[data-status]").get_attribute("data-status") == "suspended"
    assert evidence_number in page.locator("table").inner_text()
    context.close()

    wait_for(lambda: mail.outbox, what="the member's notice")
    assert [m.to for m in mail.outbox] == [["sender@example.jp"]]

    # The member logs in through the log-in page and sees why and what to do on /mypage/.
    member_context = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    member_page = member_context.new_page()
    member_page.set_default_timeout(15_000)
    member_page.goto("/accounts/login/")
    member_page.get_by_label("接続ユーザー名またはメールアドレス").fill(sender.connection_username)
    member_page.get_by_label("パスワード", exact=True).fill("correct-horse-battery")
    member_page.get_by_role("button", name="ログイン").click()
    member_page.wait_for_url("**/mypage/")
    notice = member_page.locator("section.enforcement-notice")
    assert notice.get_by_role("heading", name="回線の利用を停止しています").is_visible()
    assert "お客様の回線から迷惑メールの送信を確認しました。" in notice.inner_text()
    assert "ウイルス" in notice.inner_text()
    assert axe_check(member_page) == []
    # ... and cannot request a plan change.
    member_page.goto("/mypage/plan/fixed-ip/")
    assert member_page.locator("section.enforcement-notice").is_visible()
    assert member_page.get_by_role("button", name="変更を申し込む").count() == 0
    member_context.close()
