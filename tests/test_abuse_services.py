"""The abuse desk: spam reports land on the member who held the address; enforcement is audited."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from accounts.models import Member
from accounts.services import MemberNotActive, plan_change_request
from network.models import FixedAddress, IpAssignment
from okbnet_portal.errors import InvalidInput as ValidationError
from support.abuse.services import EnforcementNotAllowed, member_enforce, spam_report_file
from support.models import AppendOnly, EnforcementAction, Ticket, TicketEvent
from support.selectors import enforcement_notice
from tests.factories import FixedPoolFactory, MemberFactory, RadiusSessionFactory, TicketFactory

from .waiting import wait_for

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 11, 1, 9, tzinfo=JST)


@pytest.fixture
def sender(db):
    member = MemberFactory()
    RadiusSessionFactory(member=member, address="203.0.113.7", started_at=T0, stopped_at=T0 + timedelta(hours=2))
    return member


@pytest.mark.django_db
def test_a_report_opens_a_spam_report_ticket_on_the_member_who_held_the_address(sender, staff_user):
    report = spam_report_file(
        source_ip="203.0.113.7",
        seen_at=T0 + timedelta(minutes=30),
        evidence="Received: from [203.0.113.7] …",
        reporter="abuse@example.net",
        by=staff_user,
    )
    assert (report.member, report.held_as, report.created_by_user) == (sender, "session", staff_user)
    ticket = report.ticket
    assert (ticket.member, ticket.category, ticket.priority) == (sender, "spam_report", Ticket.Priority.HIGH)
    assert "203.0.113.7" in ticket.subject
    assert ticket.events.filter(kind="system_step", new_value="holder_found").exists()


@pytest.mark.django_db
def test_a_report_nobody_matches_is_kept_and_flagged_for_a_person(sender, staff_user):
    report = spam_report_file(
        source_ip="203.0.113.7", seen_at=T0 + timedelta(hours=2), evidence="log", reporter="x", by=staff_user
    )
    assert report.member is None
    report.ticket.refresh_from_db()
    assert report.ticket.needs_attention


@pytest.mark.django_db
def test_a_report_without_evidence_is_refused(sender, staff_user):
    with pytest.raises(ValidationError):
        spam_report_file(source_ip="203.0.113.7", seen_at=T0, evidence="  ", reporter="x", by=staff_user)
    assert not Ticket.objects.exists()


@pytest.fixture
def evidence(sender, staff_user):
    return spam_report_file(
        source_ip="203.0.113.7", seen_at=T0, evidence="spam run", reporter="x", by=staff_user
    ).ticket


@pytest.mark.django_db
def test_suspending_leaves_status_ticket_audit_and_a_note_on_the_evidence(sender, evidence, staff_user):
    action = member_enforce(
        member=sender, action="suspend", reason="Spam from your line.", evidence_ticket=evidence, by=staff_user
    )
    sender.refresh_from_db()
    assert sender.status == "suspended"
    assert (action.old_status, action.new_status, action.created_by, action.evidence_ticket) == (
        "active",
        "suspended",
        staff_user.username,
        evidence,
    )
    assert (action.ticket.category, action.ticket.member) == ("enforcement", sender)
    steps = list(action.ticket.events.filter(kind="system_step").values_list("new_value", flat=True))
    assert steps == ["status_active_to_suspended", "member_emailed"]
    note = evidence.events.get(kind=TicketEvent.Kind.INTERNAL_NOTE)
    assert action.ticket.number in note.body
    assert enforcement_notice(sender) == action


@pytest.mark.django_db
def test_the_transition_map_refuses_what_the_status_does_not_allow(sender, evidence, staff_user):
    with pytest.raises(EnforcementNotAllowed):
        member_enforce(member=sender, action="reinstate", reason="r", by=staff_user)
    member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=evidence, by=staff_user)
    with pytest.raises(EnforcementNotAllowed):
        member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=evidence, by=staff_user)
    member_enforce(member=sender, action="reinstate", reason="cleaned up", by=staff_user)
    assert enforcement_notice(Member.objects.get(pk=sender.pk)) is None
    member_enforce(member=sender, action="cancel", reason="again", evidence_ticket=evidence, by=staff_user)
    for action in ("suspend", "cancel", "reinstate"):
        with pytest.raises(EnforcementNotAllowed):
            member_enforce(member=sender, action=action, reason="r", evidence_ticket=evidence, by=staff_user)
    assert list(EnforcementAction.objects.order_by("id").values_list("action", flat=True)) == [
        "suspend",
        "reinstate",
        "cancel",
    ]


@pytest.mark.django_db
def test_suspending_needs_a_reason_and_evidence_about_that_member(sender, evidence, staff_user):
    with pytest.raises(ValidationError) as caught:
        member_enforce(member=sender, action="suspend", reason=" ", by=staff_user)
    assert set(caught.value.errors) == {"reason", "evidence_ticket"}
    with pytest.raises(ValidationError):
        member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=TicketFactory(), by=staff_user)
    sender.refresh_from_db()
    assert sender.status == "active"
    assert not EnforcementAction.objects.exists()


@pytest.mark.django_db
def test_the_audit_trail_cannot_be_rewritten(sender, evidence, staff_user):
    action = member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=evidence, by=staff_user)
    action.reason = "something nicer"
    with pytest.raises(AppendOnly):
        action.save()
    with pytest.raises(AppendOnly):
        action.delete()


@pytest.mark.django_db
def test_force_cancelling_takes_back_the_fixed_address_but_keeps_its_history(staff_user):
    member = MemberFactory()
    address = FixedPoolFactory(network="192.0.2.8/29").addresses.get(address="192.0.2.9")
    FixedAddress.objects.filter(pk=address.pk).update(member=member, assigned_at=T0)
    IpAssignment.objects.create(member=member, address=address, assigned_from=T0)
    evidence = TicketFactory(member=member, category="spam_report")
    member_enforce(member=member, action="cancel", reason="r", evidence_ticket=evidence, by=staff_user)
    address.refresh_from_db()
    assert address.member is None
    assert IpAssignment.objects.get(member=member).assigned_until is not None


@pytest.mark.django_db
def test_a_suspended_member_cannot_request_a_plan_change(sender, evidence, staff_user):
    member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=evidence, by=staff_user)
    sender.refresh_from_db()
    with pytest.raises(MemberNotActive):
        plan_change_request(member=sender, by=sender.user)


@pytest.mark.django_db(transaction=True)
def test_the_member_gets_an_email_saying_why_and_what_to_do(celery_worker, staff_user):
    member = MemberFactory(email="taro@example.jp")
    evidence = TicketFactory(member=member, category="spam_report")
    action = member_enforce(
        member=member,
        action="suspend",
        reason="迷惑メールの送信を確認しました。",
        evidence_ticket=evidence,
        by=staff_user,
    )
    wait_for(lambda: mail.outbox, what="the member's notice")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taro@example.jp"]
    assert "停止" in message.subject
    assert "迷惑メールの送信を確認しました。" in message.body
    assert action.ticket.number in message.body
    assert message.alternatives[0][1] == "text/html"
