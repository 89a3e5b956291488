"""The call of issue 15 in the browser: an agent finds the caller by phone, opens a ticket,
answers with a canned reply; the member reads it and answers; the ticket is back on the desk."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from support.models import CannedReply, Ticket

from ..factories import MailSetupFactory, MemberFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in_as_staff(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_an_agent_answers_a_caller_and_the_member_writes_back(browser, live_server, axe_check):
    agent = StaffFactory(username="tanaka")
    member = MemberFactory(
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        phone="0859-00-0001",
        member_number="M1000001",
        connection_username="okb1000001",
        mail_address="taro@yamada-shoten.jp",
    )
    MemberFactory(name="山田 花子", phone="0859-00-0002")
    MailSetupFactory(member=member, label="事務所のPC", mail_program="thunderbird", provider_submission="none")
    CannedReply.objects.create(
        title="OP25B: ゲートウェイを使う",
        body_ja="{member_name} 様\n送信サーバーを {gateway_host}、ポート587、ユーザー名 {smtp_username} にしてください。",
        body_en="Please use {gateway_host}, port 587.",
    )

    staff = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    desk = staff.new_page()
    desk.set_default_timeout(15_000)
    log_in_as_staff(desk, live_server, agent)

    # The agent searches the number as the phone shows it and lands on the member screen.
    desk.goto("/staff/")
    desk.locator("#id_member_q").fill("0859000001")
    desk.locator("#id_member_q").press("Enter")
    desk.wait_for_url("**/staff/members/M1000001/")
    assert "山田 太郎" in desk.locator('[data-role="member-title"]').inner_text()
    setup = desk.locator("#member-setups li.setup")
    assert "事務所のPC" in setup.inner_text()
    assert setup.get_attribute("data-verdict") == "affected_use_okbnet_gateway"
    assert setup.locator(".setup-verdict").inner_text().strip() != ""
    assert axe_check(desk) == []

    # Opens a ticket for the call.
    desk.get_by_role("link", name="チケットを作成").click()
    assert desk.locator("#id_member_number").input_value() == "M1000001"
    desk.locator("#id_category").select_option("op25b")
    desk.locator("#id_subject").fill("メールが送信できない")
    desk.locator("#id_description").fill("事務所のPCから送れないとのこと")
    assert axe_check(desk) == []
    desk.locator("form button[type=submit]").last.click()
    desk.wait_for_url(re.compile(r".*/staff/tickets/T-[^/]+/$"))  # the ticket exists once the page shows it
    ticket = Ticket.objects.get(subject="メールが送信できない")
    assert desk.url.endswith(f"/staff/tickets/{ticket.number}/")
    assert "事務所のPC" in desk.locator("#member-setups").inner_text()  # the same summary on the ticket

    # Answers with the canned reply, which shows the member's own gateway host, then waits on the member.
    desk.locator("#id_canned").select_option(label="OP25B: ゲートウェイを使う (日本語)")
    desk.locator("form.canned-form button").click()
    box = desk.locator("#id_body")
    expect(box).to_have_value(re.compile(re.escape("gw.yamada-shoten.jp")))  # the box is on the page being left too
    assert "taro@yamada-shoten.jp" in box.input_value()
    box.fill(box.input_value() + "\n設定後にご返信ください。")
    desk.locator('button[name="action"][value="reply"]').click()
    expect(desk.locator("ol.history")).to_contain_text("設定後にご返信ください")
    desk.locator("#id_status").select_option("pending")
    desk.locator("#id_status").locator("xpath=..").locator("button").click()
    expect(desk.locator('[data-role="ticket-status"]')).to_have_text(re.compile(r"^\s*保留"))
    assert axe_check(desk) == []

    # The member logs in, reads the reply and answers.
    home = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    mine = home.new_page()
    mine.set_default_timeout(15_000)
    mine.goto("/accounts/login/")
    mine.locator("#id_username").fill("okb1000001")
    mine.locator("#id_password").fill("correct-horse-battery")
    mine.locator("form button[type=submit]").last.click()
    mine.wait_for_url("**/mypage/")
    mine.get_by_role("link", name=ticket.number).first.click()
    conversation = mine.locator("ol.conversation")
    assert "gw.yamada-shoten.jp" in conversation.inner_text()
    assert "事務所のPCから送れない" not in conversation.inner_text()  # what the agent noted is not shown
    mine.locator("#id_body").fill("設定を変えたら送れました。ありがとうございます。")
    assert axe_check(mine) == []
    mine.locator("form button[type=submit]").last.click()
    expect(mine.locator("ol.conversation")).to_contain_text("設定を変えたら送れました")

    # The agent sees the ticket back in the open list, waiting on staff.
    desk.goto("/staff/tickets/?status=open")
    row = desk.locator("table.tickets tbody tr", has=desk.get_by_role("link", name=ticket.number))
    assert row.count() == 1
    assert "スタッフの対応待ち" in row.inner_text()
    desk.get_by_role("link", name=ticket.number).click()
    expect(desk.locator("ol.history")).to_contain_text("設定を変えたら送れました")
    staff.close()
    home.close()
