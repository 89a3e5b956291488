"""The language crawl of the API: every error of every operation, asked for with
`Accept-Language: ja`, reads in Japanese (DRF's own messages and the project's)."""

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey
from support import services as tickets

from .factories import FixedPoolFactory, MemberFactory, StaffFactory, TicketFactory

pytestmark = pytest.mark.django_db
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def messages(body) -> list[str]:
    if isinstance(body, dict):
        return [m for value in body.values() for m in messages(value)]
    if isinstance(body, list):
        return [m for value in body for m in messages(value)]
    return [str(body)]


@pytest.fixture
def world(db):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory(member_number="M1000001")
    StaffFactory(username="suzuki")
    closed = TicketFactory(number="T-2026-000001", member=member)
    tickets.ticket_change_status(ticket=closed.pk, status="closed", note="", by="system")
    _k, key = ClientAPIKey.objects.create_key(name="crawl", scopes=["read", "write"])
    _k, reader = ClientAPIKey.objects.create_key(name="reader", scopes=["read"])
    _k, expired = ClientAPIKey.objects.create_key(name="old", scopes=["read"], expiry_date=timezone.now())
    return {"key": key, "reader": reader, "expired": expired, "member": member}


def client(key: str | None, **headers) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="ja", **headers)
    if key:
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return api


# (method, path, body, status): an error of each kind that each operation can give.
CASES = [
    ("get", "/api/v1/plans/?page=0", None, 400),
    ("get", "/api/v1/plans/?page_size=101", None, 400),
    ("get", "/api/v1/plans/?page=5", None, 404),
    ("get", "/api/v1/members/?status=x", None, 400),
    ("get", "/api/v1/members/?search=" + "x" * 101, None, 400),
    ("get", "/api/v1/members/M9999999/", None, 404),
    ("get", "/api/v1/tickets/?status=x&priority=9&created_after=x", None, 400),
    ("get", "/api/v1/tickets/T-1999-000000/", None, 404),
    ("post", "/api/v1/tickets/", {"member_number": "M9999999", "category": "x", "subject": 5, "priority": "2"}, 400),
    ("post", "/api/v1/tickets/", {}, 400),
    ("post", "/api/v1/tickets/", "[" * 100 + "]" * 100, 400),
    ("patch", "/api/v1/tickets/T-2026-000001/", {"status": "pending"}, 409),
    ("patch", "/api/v1/tickets/T-2026-000001/", {"assignee": "nobody", "status": "x"}, 400),
    ("post", "/api/v1/tickets/T-2026-000001/comments/", {"kind": "x", "body": 1}, 400),
    ("post", "/api/v1/tickets/T-1999-000000/comments/", {"kind": "internal_note", "body": "x"}, 404),
    ("post", "/api/v1/plan-change-requests/", {"member_number": "M9999999", "target_plan": "x"}, 400),
    ("post", "/api/v1/plan-change-requests/", {"member_number": "M1000001", "target_plan": "nothing"}, 400),
    ("get", "/api/v1/plan-change-requests/999999/", None, 404),
    ("post", "/api/v1/op25b/verdict/", {"ip_type": "x", "sending_via": "okbnet", "port": "25"}, 400),
    ("post", "/api/v1/op25b/verdict/", {"ip_type": "dynamic", "sending_via": "okbnet", "okbnet_address": "a@b"}, 400),
    ("post", "/api/v1/op25b/verdict/", [1], 400),
    ("post", "/api/v1/op25b/diagnose/", {}, 400),
    ("post", "/api/v1/op25b/diagnose/", {"error_text": " ", "mail_client": "x"}, 400),
    ("post", "/api/v1/op25b/diagnose/", {"error_text": "x" * 10_001}, 400),
    ("post", "/api/v1/op25b/diagnose/", {"error_text": 5}, 400),
    ("post", "/api/v1/op25b/diagnose/", "[1]", 400),
    ("post", "/api/v1/spam-reports/", {"source_ip": "x", "seen_at": "x", "evidence": " ", "reporter": 1}, 400),
    (
        "post",
        "/api/v1/spam-reports/",
        {"source_ip": "203.0.113.1", "seen_at": timezone.now().isoformat(), "evidence": " ", "reporter": "r"},
        400,
    ),
    ("get", "/api/v1/spam-reports/?source_ip=x", None, 400),
    ("get", "/api/v1/spam-reports/999999/", None, 404),
    ("get", "/api/v1/nowhere/", None, 404),
]


def send(api: APIClient, method: str, path: str, body, **extra):
    if isinstance(body, str):
        return getattr(api, method)(path, body, content_type="application/json", **extra)
    return getattr(api, method)(path, body, format="json", **extra)


def test_every_error_of_every_operation_is_in_japanese(world):
    seen = []
    for method, path, body, status in CASES:
        response = send(client(world["key"]), method, path, body)
        assert response.status_code == status, (method, path, response.content)
        seen.append((method, path, messages(response.json())))
    # A second open plan change, an Idempotency-Key reused or malformed.
    api = client(world["key"])
    assert send(api, "post", "/api/v1/plan-change-requests/", {"member_number": "M1000001"}).status_code == 201
    second = send(api, "post", "/api/v1/plan-change-requests/", {"member_number": "M1000001"})
    assert second.status_code == 409
    seen.append(("post", "second plan change", messages(second.json())))
    body = {"category": "other", "subject": "a"}
    assert send(api, "post", "/api/v1/tickets/", body, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    reused = send(api, "post", "/api/v1/tickets/", {**body, "subject": "b"}, HTTP_IDEMPOTENCY_KEY="k")
    assert reused.status_code == 422
    seen.append(("post", "reused key", messages(reused.json())))
    bad_key = send(api, "post", "/api/v1/tickets/", body, HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert bad_key.status_code == 400
    seen.append(("post", "long key", messages(bad_key.json())))
    # Authentication and scopes.
    for key, status in ((None, 401), ("wrong", 401), (world["expired"], 401), (world["reader"], 403)):
        response = send(client(key), "post", "/api/v1/tickets/", body)
        assert response.status_code == status
        seen.append(("post", f"key {key}", messages(response.json())))
    english = [(m, p, text) for m, p, texts in seen for text in texts if not JAPANESE.search(text)]
    assert english == [], "\n".join(map(str, english))
    assert len([t for _m, _p, texts in seen for t in texts]) > 40
