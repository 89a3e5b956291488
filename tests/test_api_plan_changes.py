"""/api/v1/plan-change-requests/: the member page's service through the API, and the worker."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey, PlanChangeRequest
from support.models import Ticket

from .factories import FixedPoolFactory, MemberFactory
from .waiting import wait_for

URL = "/api/v1/plan-change-requests/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    FixedPoolFactory(network="192.0.2.0/29")
    return MemberFactory()


def test_a_request_is_submitted_with_its_ticket_and_recorded_as_the_client(api, member):
    response = api.post(URL, {"member_number": member.member_number}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id",
        "member_number",
        "status",
        "target_plan",
        "new_connection_username",
        "fixed_ip",
        "failure_reason",
        "ticket",
        "steps",
    }
    assert (body["status"], body["target_plan"], body["member_number"]) == (
        "submitted",
        member.plan.fixed_variant.code,
        member.member_number,
    )
    assert [s["step"] for s in body["steps"]] == ["received"]
    ticket = Ticket.objects.get(number=body["ticket"])
    assert (ticket.category, ticket.member, ticket.created_by) == ("plan_change", member, "api:call-center")
    assert PlanChangeRequest.objects.get(pk=body["id"]).requested_by == "api:call-center"


def test_a_second_open_request_is_a_409(api, member):
    assert api.post(URL, {"member_number": member.member_number}, format="json").status_code == 201
    response = api.post(URL, {"member_number": member.member_number}, format="json")
    assert response.status_code == 409
    assert list(response.json()) == ["detail"]
    assert PlanChangeRequest.objects.filter(member=member).count() == 1


def test_a_retry_with_the_same_idempotency_key_returns_the_first_request_not_a_409(api, member):
    body = {"member_number": member.member_number}
    first = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="pc-1")
    again = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="pc-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "member_number"),
        ({"member_number": "M0"}, "member_number"),
        ({"member_number": "{member}", "target_plan": "nope"}, "target_plan"),
        ({"member_number": "{member}", "target_plan": "{dynamic}"}, "target_plan"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(api, member, body, field):
    body = {k: v.format(member=member.member_number, dynamic=member.plan.code) for k, v in body.items()}
    response = api.post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_member_on_a_fixed_plan_is_a_400(api, member):
    member.plan = member.plan.fixed_variant
    member.save()
    response = api.post(URL, {"member_number": member.member_number}, format="json")
    assert response.status_code == 400
    assert "target_plan" in response.json()


def test_the_detail_shows_status_and_steps(api, member):
    created = api.post(URL, {"member_number": member.member_number}, format="json").json()
    response = api.get(f"{URL}{created['id']}/")
    assert response.status_code == 200
    assert response.json() == created


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999", "x"])
def test_an_unknown_request_is_a_json_404(api, pk):
    response = api.get(f"{URL}{pk}/")
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")


def test_a_read_only_key_cannot_request(member):
    _obj, key = ClientAPIKey.objects.create_key(name="reader", scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.post(URL, {"member_number": member.member_number}, format="json").status_code == 403
    assert not PlanChangeRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_completes_an_api_request_and_emails_the_member(api, celery_worker):
    FixedPoolFactory(network="198.51.100.0/29")
    member = MemberFactory()
    created = api.post(URL, {"member_number": member.member_number}, format="json").json()
    body = wait_for(
        lambda: (b := api.get(f"{URL}{created['id']}/").json())["status"] not in ("submitted", "processing") and b,
        what="the request to finish",
    )
    assert body["status"] == "completed", body
    assert body["fixed_ip"].startswith("198.51.100.")
    assert body["new_connection_username"].startswith("okbf")
    assert [s["step"] for s in body["steps"]][-1] == "completed"
    wait_for(lambda: mail.outbox, what="the notice")
    assert [m.to for m in mail.outbox] == [[member.email]]
    detail = api.get(f"/api/v1/members/{member.member_number}/").json()
    assert detail["fixed_ip"] == body["fixed_ip"]
    assert detail["plan_change_requests"][0]["status"] == "completed"


def test_every_step_has_a_label_also_cancelled_failed_and_retried(api, member):
    from accounts import services

    cancelled = services.plan_change_request(member=member, by=None)
    services.plan_change_cancel(request=cancelled, by=None)
    other = MemberFactory()
    failed = services.plan_change_request(member=other, by=None)
    PlanChangeRequest.objects.filter(pk=failed.pk).update(status="processing")
    services.plan_change_give_up(request_id=failed.pk, detail="test")
    services.plan_change_retry(request=failed.pk, by=None)
    for pk in (cancelled.pk, failed.pk):
        steps = api.get(f"{URL}{pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["steps"]
        assert {"cancelled", "failed", "retried"} & {s["step"] for s in steps}
        assert all(s["label"] and s["label"] != s["step"] for s in steps), steps
