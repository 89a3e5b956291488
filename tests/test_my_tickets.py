"""/mypage/tickets/: members read their own tickets and the public replies only."""

import pytest
from django.urls import reverse

from support import services

from .factories import StaffFactory


@pytest.fixture
def ticket(alice):
    t = services.ticket_open(member=alice, category="op25b", subject="Port 25", by=alice.user)
    staff = StaffFactory()
    services.ticket_comment(ticket=t, body="Please switch to port 587.", public=True, by=staff)
    services.ticket_comment(ticket=t, body="Internal: member sounded upset.", public=False, by=staff)
    return t


def test_the_member_reads_public_replies_but_not_internal_notes(client, alice, ticket):
    client.force_login(alice.user)
    body = client.get(reverse("my-ticket", args=[ticket.number])).content.decode()
    assert "Please switch to port 587." in body
    assert "sounded upset" not in body
    assert ticket.number in client.get(reverse("my-tickets")).content.decode()


def test_other_people_never_see_the_ticket(client, alice, staff_user, charlie, ticket):
    url = reverse("my-ticket", args=[ticket.number])
    assert client.get(url).status_code == 302  # anonymous: log in first
    client.force_login(charlie.user)
    assert client.get(url).status_code == 404
    assert ticket.number not in client.get(reverse("my-tickets")).content.decode()
    client.force_login(staff_user)  # staff use /staff/ for this; here they are not a member
    assert client.get(url).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(client, alice, django_assert_num_queries):
    for n in range(30):
        services.ticket_open(member=alice, category="other", subject=f"q{n}", by=None)
    client.force_login(alice.user)
    with django_assert_num_queries(6):  # session, user, member, count, page, the nav's user.member
        response = client.get(reverse("my-tickets"))
    assert len(response.context["page"].object_list) == 20


def test_mypage_shows_the_plan_change_link_requests_and_tickets(client, alice, ticket):
    from accounts import services as plan_changes

    plan_changes.plan_change_request(member=alice, by=alice.user)
    client.force_login(alice.user)
    body = client.get("/mypage/").content.decode()
    assert reverse("plan-fixed-ip") in body
    assert reverse("my-ticket", args=[ticket.number]) in body
    assert 'id="plan-requests"' in body
