"""/mypage/plan/fixed-ip/: the member's request page, its JSON status and cancel."""

import pytest
from django.urls import reverse

from accounts.models import PlanChangeRequest

from .factories import FixedPoolFactory

URL = "/mypage/plan/fixed-ip/"


@pytest.fixture
def pool(db):
    return FixedPoolFactory(network="192.0.2.0/29")


def test_it_shows_the_new_fee_the_date_and_that_the_user_name_changes(client, alice):
    client.force_login(alice.user)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en", data={"lang": "en"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "¥8,030" in body
    assert response.context["effective_date"].day == 1
    assert alice.connection_username in body
    assert 'name="confirm"' in body


def test_it_needs_the_confirmation(client, alice):
    client.force_login(alice.user)
    response = client.post(URL, {})
    assert response.status_code == 400
    assert not PlanChangeRequest.objects.exists()


def test_a_confirmed_request_is_saved_and_shows_the_stepper(client, alice, pool):
    client.force_login(alice.user)
    response = client.post(URL, {"confirm": "on"}, follow=True)
    request = PlanChangeRequest.objects.get(member=alice)
    assert request.requested_by == alice.user.username
    assert b'class="stepper"' in response.content
    assert reverse("plan-fixed-ip-status", args=[request.pk]).encode() in response.content


def test_a_second_request_is_a_form_error(client, alice, pool):
    client.force_login(alice.user)
    client.post(URL, {"confirm": "on"})
    response = client.post(URL, {"confirm": "on"})
    assert response.status_code == 400
    assert PlanChangeRequest.objects.filter(member=alice).count() == 1


def test_the_status_endpoint_reports_the_steps(client, alice, pool):
    client.force_login(alice.user)
    client.post(URL, {"confirm": "on"})
    request = PlanChangeRequest.objects.get(member=alice)
    data = client.get(reverse("plan-fixed-ip-status", args=[request.pk])).json()
    assert data["status"] == "submitted" and data["cancellable"] and not data["finished"]
    assert [s["code"] for s in data["steps"] if s["done"]] == ["received"]
    assert data["ticket"] == request.ticket.number


def test_the_member_can_cancel_a_submitted_request(client, alice, pool):
    client.force_login(alice.user)
    client.post(URL, {"confirm": "on"})
    request = PlanChangeRequest.objects.get(member=alice)
    client.post(reverse("plan-fixed-ip-cancel", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "cancelled"


def test_a_processing_request_cannot_be_cancelled(client, alice, pool):
    client.force_login(alice.user)
    client.post(URL, {"confirm": "on"})
    request = PlanChangeRequest.objects.get(member=alice)
    PlanChangeRequest.objects.filter(pk=request.pk).update(status="processing")
    client.post(reverse("plan-fixed-ip-cancel", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == "processing"


def test_only_the_owner_sees_a_request(client, alice, staff_user, charlie, pool):
    client.force_login(alice.user)
    client.post(URL, {"confirm": "on"})
    request = PlanChangeRequest.objects.get(member=alice)
    status_url = reverse("plan-fixed-ip-status", args=[request.pk])
    cancel_url = reverse("plan-fixed-ip-cancel", args=[request.pk])
    assert client.get(status_url).status_code == 200
    for outsider in (charlie.user, staff_user):
        client.force_login(outsider)
        assert client.get(status_url).status_code == 404
        assert client.post(cancel_url).status_code == 404
    client.force_login(staff_user)
    assert client.get(URL).status_code == 404  # staff are not members
    request.refresh_from_db()
    assert request.status == "submitted"


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_already_on_a_fixed_plan_is_told_so(client, alice):
    alice.plan = alice.plan.fixed_variant
    alice.save()
    client.force_login(alice.user)
    response = client.get(URL)
    assert response.status_code == 200 and not response.context["can_request"]
    assert 'name="confirm"' not in response.content.decode()
