"""Date-times from outside are held to what PostgreSQL stores and RFC 3339 can say.

Before: an offset beyond PostgreSQL's ±15:59 (`+18:05`) was a DataError (500) on the ticket
filter, the address look-up and the spam-report form; a time before 1888 came back with Tokyo's
local mean time `+09:18:59`. Now every one of them is a field error from okbnet_portal.moments.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from okbnet_portal.moments import check_moment, parse_moment
from support.models import SpamReport
from tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [
    "2026-01-01T00:00:00+18:05",  # PostgreSQL: time zone displacement out of range
    "2026-01-01T00:00:00-15:30",
    "1850-06-01T09:00:00",  # LMT +09:18:59 in Asia/Tokyo
    "1887-12-31T23:59:59+09:00",
    "0001-01-01T00:00:00+14:00",  # UTC would be year 0
    "9999-12-31T23:59:59-14:00",  # UTC would be year 10000
]
IMPOSSIBLE = ["2026-13-45T00:00:00", "2026-02-30T25:61", "2026-01-01T00:00:00+25:00", "yesterday"]


@pytest.mark.parametrize("value", OUT_OF_RANGE + IMPOSSIBLE)
def test_parse_moment_refuses_with_a_message(value):
    with pytest.raises(ValidationError) as caught:
        parse_moment(value)
    assert caught.value.messages[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-01T09:30:00+09:00", "2026-11-01T09:30:00+09:00"),
        ("2026-11-01 09:30", "2026-11-01T09:30:00+09:00"),  # Japan time without an offset
        ("2026/11/01 09:30:00", "2026-11-01T09:30:00+09:00"),
        ("2026-11-01T00:30:00Z", "2026-11-01T00:30:00+00:00"),
        ("2026-11-01T00:30:00+14:00", "2026-11-01T00:30:00+14:00"),
        ("1900-01-01T00:00:00", "1900-01-01T00:00:00+09:00"),
    ],
)
def test_parse_moment_accepts_real_moments(value, expected):
    assert parse_moment(value).isoformat() == expected


def test_check_moment_passes_none_and_ordinary_values():
    assert check_moment(None) is None
    now = dt.datetime.now(dt.UTC)
    assert check_moment(now) is now


@pytest.mark.parametrize("param", ["created_after", "created_before"])
@pytest.mark.parametrize("value", [*OUT_OF_RANGE, *IMPOSSIBLE])
def test_the_ticket_filter_answers_a_field_error(api, param, value):
    TicketFactory()
    response = api.get("/api/v1/tickets/", {param: value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == [param]


def test_the_ticket_filter_still_filters(api):
    ticket = TicketFactory()
    day = ticket.created_at.date().isoformat()
    found = api.get(
        "/api/v1/tickets/", {"created_after": f"{day}T00:00:00+14:00", "created_before": "9999-01-01T00:00:00"}
    )
    assert found.status_code == 200 and found.json()["count"] == 1
    later = api.get("/api/v1/tickets/", {"created_after": "9000-01-01T00:00:00"})
    assert later.json()["count"] == 0


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+18:05", "1850-06-01T09:00:00", "2026-02-30T10:00:00"])
def test_the_staff_address_look_up_answers_a_field_error(client, staff_user, value):
    client.force_login(staff_user)
    response = client.get("/staff/network/lookup/", {"address": "203.0.113.7", "at": value})
    assert response.status_code == 400
    assert "at" in response.context["form"].errors


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+18:05", "1850-06-01T09:00:00"])
def test_the_spam_report_form_answers_a_field_error(client, staff_user, value):
    client.force_login(staff_user)
    response = client.post(
        "/staff/abuse/reports/new/",
        {"address": "203.0.113.7", "at": value, "reporter": "abuse@example.net", "evidence": "Received: …"},
    )
    assert response.status_code == 200 or response.status_code == 400
    assert "at" in response.context["form"].errors
    assert not SpamReport.objects.exists()


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+18:05", "1850-06-01T09:00:00+09:00", "2026-13-01T00:00:00"])
def test_the_spam_report_api_answers_a_field_error(api, value):
    body = {"source_ip": "203.0.113.7", "seen_at": value, "evidence": "x", "reporter": "abuse@example.net"}
    response = api.post("/api/v1/spam-reports/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["seen_at"]
