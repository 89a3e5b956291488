"""POST /api/v1/spam-reports/: the call-center tool files a report; write scope needed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.models import ClientAPIKey
from support.models import SpamReport
from tests.factories import MemberFactory, RadiusSessionFactory

JST = ZoneInfo("Asia/Tokyo")
T0 = datetime(2026, 11, 1, 9, tzinfo=JST)
URL = "/api/v1/spam-reports/"
BODY = {
    "source_ip": "203.0.113.7",
    "seen_at": "2026-11-01T00:30:00Z",  # 09:30 in Japan
    "evidence": "Received: from [203.0.113.7]",
    "reporter": "abuse@example.net",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def sender():
    member = MemberFactory()
    RadiusSessionFactory(member=member, address="203.0.113.7", started_at=T0, stopped_at=T0 + timedelta(hours=1))
    return member


def test_a_report_finds_the_member_and_opens_a_ticket(api, sender):
    response = api.post(URL, BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["member_number"], body["held_as"], body["created_by"]) == (
        sender.member_number,
        "session",
        "api:call-center",
    )
    assert body["ticket"].startswith("T-")
    assert api.get(f"{URL}{body['id']}/").json()["ticket"] == body["ticket"]
    assert api.get(URL, {"source_ip": "203.0.113.7"}).json()["count"] == 1
    assert api.get(URL, {"member": sender.member_number}).json()["count"] == 1
    assert api.get(URL, {"source_ip": "203.0.113.8"}).json()["count"] == 0


def test_bad_input_is_a_400_with_field_errors(api):
    response = api.post(URL, {**BODY, "source_ip": "203.0.113.700", "seen_at": "yesterday"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"source_ip", "seen_at"}
    assert not SpamReport.objects.exists()


def test_a_read_only_key_cannot_file_and_nobody_anonymous_can_read(anon_api, sender, alice):
    _obj, key = ClientAPIKey.objects.create_key(name="reader", scopes=["read"])
    reader = APIClient()
    reader.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert reader.post(URL, BODY, format="json").status_code == 403
    assert reader.get(URL).status_code == 200
    assert anon_api.get(URL).status_code in (401, 403)
    member_client = APIClient()
    member_client.force_login(alice.user)
    assert member_client.post(URL, BODY, format="json").status_code == 403
    assert not SpamReport.objects.exists()


def test_a_malformed_filter_or_odd_text_is_a_400_not_a_500(api, sender):
    assert api.get(URL, {"source_ip": "not-an-ip"}).status_code == 400
    assert api.post(URL, {**BODY, "evidence": "nul\x00byte"}, format="json").status_code == 400
    assert api.post(URL, {**BODY, "reporter": "x" * 201}, format="json").status_code == 400
    assert api.get(f"{URL}999999/").status_code == 404
