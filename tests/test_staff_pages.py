"""/staff/: dashboard, ticket list (constant queries), ticket page and its actions."""

import factory
import pytest
from django.urls import reverse

from accounts import services as plan_changes
from mailsettings import stats
from support import services
from support.models import Ticket

from .factories import FixedPoolFactory, MemberFactory, TicketFactory


@pytest.fixture
def ticket(alice):
    return services.ticket_open(member=alice, category="op25b", subject="Port 25 blocked?", by=None)


@pytest.mark.parametrize("path", ["/staff/", "/staff/tickets/"])
def test_only_staff_get_in(client, alice, staff_user, charlie, path):
    assert client.get(path).status_code == 302  # anonymous: to the log-in page
    client.force_login(alice.user)
    assert client.get(path).status_code == 403
    client.force_login(charlie.user)
    assert client.get(path).status_code == 403
    client.force_login(staff_user)
    assert client.get(path).status_code == 200


def test_members_cannot_use_the_ticket_actions(client, alice, ticket):
    client.force_login(alice.user)
    url = reverse("staff-ticket-action", args=[ticket.number])
    assert client.post(url, {"action": "reply", "body": "hi"}).status_code == 403
    assert client.get(reverse("staff-ticket", args=[ticket.number])).status_code == 403
    assert not ticket.events.filter(kind="public_reply").exists()


@pytest.mark.parametrize("count", [10, 1000])
def test_the_ticket_list_runs_a_constant_number_of_queries(client, staff_user, django_assert_num_queries, count):
    members = MemberFactory.create_batch(5)
    Ticket.objects.bulk_create(TicketFactory.build_batch(count, member=factory.Iterator(members), assignee=staff_user))
    client.force_login(staff_user)
    # session, user, count, page (with member and assignee joined), the nav's user.member
    # session, user, count, page, and the permission look-ups (user and group) of the staff menu
    with django_assert_num_queries(7):
        response = client.get("/staff/tickets/", {"sort": "-priority", "status": "new", "page": 2})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(25, count)  # page 2, or the last page


def test_the_list_filters_and_searches(client, staff_user):
    a = services.ticket_open(member=MemberFactory(name="岡部 花子"), category="op25b", subject="port", by=None)
    b = services.ticket_open(member=MemberFactory(), category="spam_report", subject="spam", by=None)
    client.force_login(staff_user)
    numbers = lambda r: [t.number for t in r.context["page"]]  # noqa: E731
    assert numbers(client.get("/staff/tickets/", {"category": "spam_report"})) == [b.number]
    assert numbers(client.get("/staff/tickets/", {"q": "花子"})) == [a.number]
    assert numbers(client.get("/staff/tickets/", {"q": b.member.member_number})) == [b.number]
    assert numbers(client.get("/staff/tickets/", {"sort": "created"})) == [a.number, b.number]


def test_the_dashboard_counts_and_charts(client, staff_user, ticket):
    pool = FixedPoolFactory(network="192.0.2.0/29")
    stats.verdict_record("affected_fixed_ip_required")
    client.force_login(staff_user)
    response = client.get("/staff/")
    body = response.content.decode()
    assert '<td data-status="new">1</td>' in body
    assert '<td data-category="op25b">1</td>' in body
    assert "<svg" in body
    assert f'<td data-pool-free="{pool.pk}">6</td>' in body
    assert response.context["verdicts"]["affected_fixed_ip_required"] >= 1


def test_staff_work_a_ticket_through_the_actions(client, staff_user, ticket):
    client.force_login(staff_user)
    url = reverse("staff-ticket-action", args=[ticket.number])
    client.post(url, {"action": "assign", "assignee": staff_user.pk})
    client.post(url, {"action": "reply", "body": "Please use port 587."})
    client.post(url, {"action": "note", "body": "Called, no answer."})
    client.post(url, {"action": "status", "status": "pending"})
    client.post(url, {"action": "priority", "priority": 3})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee, ticket.priority) == ("pending", staff_user, 3)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["created", "assignment", "public_reply", "status", "internal_note", "status", "priority"]
    page = client.get(reverse("staff-ticket", args=[ticket.number])).content.decode()
    assert "Please use port 587." in page and "Called, no answer." in page


def test_a_forbidden_transition_is_shown_as_an_error(client, staff_user, ticket):
    services.ticket_change_status(ticket=ticket, status="closed", by=staff_user)
    client.force_login(staff_user)
    response = client.post(
        reverse("staff-ticket-action", args=[ticket.number]), {"action": "status", "status": "pending"}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_staff_retry_a_failed_plan_change_from_the_ticket(client, staff_user, alice):
    request = plan_changes.plan_change_request(member=alice, by=alice.user)
    plan_changes.plan_change_process(request_id=request.pk)  # no pool: fails
    request.refresh_from_db()
    assert request.status == "failed"
    FixedPoolFactory(network="192.0.2.0/29")
    client.force_login(staff_user)
    page = client.get(reverse("staff-ticket", args=[request.ticket.number])).content.decode()
    assert 'value="retry"' in page
    client.post(
        reverse("staff-ticket-action", args=[request.ticket.number]), {"action": "retry", "request_id": request.pk}
    )
    request.refresh_from_db()
    assert request.status == "submitted"


def test_a_member_cannot_be_assigned(client, staff_user, ticket, charlie):
    client.force_login(staff_user)
    client.post(reverse("staff-ticket-action", args=[ticket.number]), {"action": "assign", "assignee": charlie.user.pk})
    ticket.refresh_from_db()
    assert ticket.assignee is None
