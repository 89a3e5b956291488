"""Staff screens of the abuse desk: file a report, land on the member, enforce."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from support.models import EnforcementAction, SpamReport
from tests.factories import MemberFactory, RadiusSessionFactory, TicketFactory

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 11, 1, 9, tzinfo=JST)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender():
    member = MemberFactory()
    RadiusSessionFactory(member=member, address="203.0.113.7", started_at=T0, stopped_at=T0 + timedelta(hours=1))
    return member


@pytest.mark.parametrize("url", ["/staff/abuse/reports/", "/staff/abuse/reports/new/", "/staff/abuse/members/{n}/"])
def test_only_staff_see_the_abuse_desk(client, url, alice, staff_user, charlie):
    url = url.format(n=alice.member_number)
    assert client.get(url).status_code == 302
    for member in (alice, charlie):  # not even their own page
        client.force_login(member.user)
        assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def report(client, **overrides):
    data = {
        "address": "203.0.113.7",
        "at": "2026-11-01T09:15:00",
        "reporter": "abuse@example.net",
        "evidence": "Received: from [203.0.113.7]",
    } | overrides
    return client.post("/staff/abuse/reports/new/", data)


def test_filing_a_report_lands_on_the_member_with_the_evidence_filled_in(client, staff_user, sender):
    client.force_login(staff_user)
    response = report(client)
    ticket = SpamReport.objects.get().ticket
    assert response["Location"] == f"/staff/abuse/members/{sender.member_number}/?evidence={ticket.number}"
    page = client.get(response["Location"])
    assert page.context["form"]["evidence"].value() == ticket.number
    assert ticket.number in page.content.decode()


def test_a_report_nobody_matches_goes_to_the_list_with_a_warning(client, staff_user, sender):
    client.force_login(staff_user)
    response = report(client, at="2026-11-01T10:00:00")  # the session stopped at 10:00
    assert response["Location"] == "/staff/abuse/reports/"
    assert SpamReport.objects.get().member is None


def test_a_bad_report_form_is_a_400(client, staff_user):
    client.force_login(staff_user)
    assert report(client, address="not-an-ip", evidence="").status_code == 400
    assert not SpamReport.objects.exists()


def test_staff_suspend_then_reinstate_a_member_from_their_page(client, staff_user, sender):
    evidence = TicketFactory(member=sender, category="spam_report")
    client.force_login(staff_user)
    url = f"/staff/abuse/members/{sender.member_number}/"
    response = client.post(url, {"action": "suspend", "reason": "Spam from your line.", "evidence": evidence.number})
    assert response.status_code == 302
    sender.refresh_from_db()
    assert sender.status == "suspended"
    page = client.get(url)
    assert [c[0] for c in page.context["form"].fields["action"].choices] == ["cancel", "reinstate"]
    assert "Spam from your line." in page.content.decode()
    client.post(url, {"action": "reinstate", "reason": "Cleaned up."})
    sender.refresh_from_db()
    assert sender.status == "active"
    assert EnforcementAction.objects.count() == 2


def test_suspending_without_evidence_or_with_another_members_ticket_is_refused(client, staff_user, sender):
    client.force_login(staff_user)
    url = f"/staff/abuse/members/{sender.member_number}/"
    assert client.post(url, {"action": "suspend", "reason": "r"}).status_code == 400
    other = TicketFactory()
    assert client.post(url, {"action": "suspend", "reason": "r", "evidence": other.number}).status_code == 400
    sender.refresh_from_db()
    assert sender.status == "active"


def test_the_reports_list_costs_the_same_queries_whatever_its_length(
    client, staff_user, sender, django_assert_num_queries
):
    from support.abuse.services import spam_report_file

    client.force_login(staff_user)
    for _ in range(2):
        spam_report_file(source_ip="203.0.113.7", seen_at=T0, evidence="e", reporter="r", by=staff_user)
    with django_assert_num_queries(5):  # session, user, the nav's member, count, page with members and tickets
        client.get("/staff/abuse/reports/")
    for _ in range(10):
        spam_report_file(source_ip="203.0.113.7", seen_at=T0, evidence="e", reporter="r", by=staff_user)
    with django_assert_num_queries(5):
        client.get("/staff/abuse/reports/")


def test_the_admin_shows_reports_and_the_audit_trail_read_only(admin_client, sender, staff_user):
    from support.abuse.services import member_enforce, spam_report_file

    report = spam_report_file(source_ip="203.0.113.7", seen_at=T0, evidence="e", reporter="r", by=staff_user)
    member_enforce(member=sender, action="suspend", reason="r", evidence_ticket=report.ticket, by=staff_user)
    assert report.ticket.number in admin_client.get("/admin/support/spamreport/").content.decode()
    assert sender.member_number in admin_client.get("/admin/support/enforcementaction/").content.decode()
    assert admin_client.get("/admin/support/enforcementaction/add/").status_code == 403


def test_a_spam_report_ticket_links_to_the_members_enforcement_page(client, staff_user, sender):
    from support.abuse.services import spam_report_file

    report = spam_report_file(source_ip="203.0.113.7", seen_at=T0, evidence="e", reporter="r", by=staff_user)
    client.force_login(staff_user)
    page = client.get(f"/staff/tickets/{report.ticket.number}/").content.decode()
    assert f"/staff/abuse/members/{sender.member_number}/?evidence={report.ticket.number}" in page
