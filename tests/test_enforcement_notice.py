"""A suspended or cancelled member still logs in and sees why and what to do; plan changes are refused."""

import pytest

from accounts.models import PlanChangeRequest
from support.abuse.services import member_enforce
from tests.factories import MemberFactory, TicketFactory

URL = "/mypage/plan/fixed-ip/"

pytestmark = pytest.mark.django_db


def enforce(member, action, staff, reason="迷惑メールの送信を確認しました。"):
    evidence = TicketFactory(member=member, category="spam_report")
    return member_enforce(member=member, action=action, reason=reason, evidence_ticket=evidence, by=staff)


def test_a_suspended_member_sees_why_and_what_to_do_and_no_request_form(client, staff_user):
    member = MemberFactory()
    action = enforce(member, "suspend", staff_user)
    client.force_login(member.user)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="enforcement-notice"' in html
    assert "回線の利用を停止しています" in html
    assert "迷惑メールの送信を確認しました。" in html
    assert action.ticket.number in html
    assert "ウイルス" in html  # what to do
    assert 'name="confirm"' not in html


def test_a_suspended_members_request_is_refused_and_nothing_is_saved(client, staff_user):
    member = MemberFactory()
    enforce(member, "suspend", staff_user)
    client.force_login(member.user)
    response = client.post(URL, {"confirm": "on"})
    assert response.status_code == 400
    assert not PlanChangeRequest.objects.exists()


def test_a_cancelled_member_is_told_how_to_object(client, staff_user):
    member = MemberFactory()
    enforce(member, "cancel", staff_user, reason="Repeated spam.")
    client.force_login(member.user)
    html = client.get(URL).content.decode()
    assert "Repeated spam." in html
    assert "14" in html


def test_an_active_member_sees_no_notice_and_the_reinstated_one_neither(client, staff_user):
    member = MemberFactory()
    client.force_login(member.user)
    assert 'class="enforcement-notice"' not in client.get(URL).content.decode()
    enforce(member, "suspend", staff_user)
    member_enforce(member=member, action="reinstate", reason="Fixed.", by=staff_user)
    assert 'class="enforcement-notice"' not in client.get(URL).content.decode()


def test_the_notice_shows_only_the_members_own_action(client, staff_user, alice, charlie):
    enforce(alice, "suspend", staff_user, reason="alice's reason")
    enforce(charlie, "suspend", staff_user, reason="charlie's reason")
    client.force_login(alice.user)
    html = client.get(URL).content.decode()
    assert "alice&#x27;s reason" in html
    assert "charlie" not in html


def test_mypage_carries_the_notice_for_a_suspended_member_only(client, staff_user, alice, charlie):
    enforce(alice, "suspend", staff_user, reason="alice's reason")
    client.force_login(alice.user)
    assert "alice&#x27;s reason" in client.get("/mypage/").content.decode()
    client.force_login(charlie.user)
    assert 'class="enforcement-notice"' not in client.get("/mypage/").content.decode()
