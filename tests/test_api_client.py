"""The API as the call-center tool's developers meet it: a client generated from /api/schema/ with
openapi-python-client (`--fail-on-warning`), driving every operation against a live server with
`raise_on_unexpected_status=True` (an undocumented status is an exception), a success and at least
one error each. Every response body is also validated against the schema by a strict OpenAPI 3.0
validator with format checks (openapi-schema-validator), nulls included."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.utils import timezone

from accounts.models import ClientAPIKey
from okbnet_portal.celery import app

from .factories import FixedPoolFactory, MemberFactory, PlanFactory, RadiusSessionFactory, StaffFactory
from .openapi import operation_for, response_errors

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    """The schema as served, and the client generated from it (imported as `okbnet_client`)."""
    from django.test import Client

    with django_db_blocker.unblock():
        spec = Client().get("/api/schema/?format=json").json()
    where = tmp_path_factory.mktemp("client")
    (where / "schema.json").write_text(json.dumps(spec))
    (where / "config.yaml").write_text("package_name_override: okbnet_client\npost_hooks: []\n")
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            "schema.json",
            "--meta",
            "none",
            "--output-path",
            "okbnet_client",
            "--config",
            "config.yaml",
            "--fail-on-warning",
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(where))
    try:
        yield spec, importlib.import_module("okbnet_client")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == "okbnet_client" or m.startswith("okbnet_client.")]:
            del sys.modules[name]


class Seen:
    """Every response the generated client received, checked against the schema on arrival."""

    def __init__(self, spec):
        self.spec = spec
        self.calls: list[tuple[str, int]] = []
        self.problems: list[str] = []

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        request = response.request
        name, _op = operation_for(self.spec, request.method, request.url.path)
        body = response.json() if response.content else None
        self.calls.append((name, response.status_code))
        self.problems += response_errors(self.spec, request.method, request.url.path, response.status_code, body)
        assert response.headers["Content-Language"] in ("ja", "en")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_drives_every_operation_with_its_success_and_its_errors(
    generated, live_server, settings, tmp_path
):
    spec, okbnet = generated
    from okbnet_client import errors as client_errors
    from okbnet_client import models as m
    from okbnet_client.api.dynamic_ranges import dynamic_ranges_retrieve
    from okbnet_client.api.members import members_retrieve, members_search
    from okbnet_client.api.op25b import op25b_diagnose, op25b_verdict
    from okbnet_client.api.plan_change_requests import plan_change_requests_create, plan_change_requests_retrieve
    from okbnet_client.api.plans import plans_list
    from okbnet_client.api.spam_reports import spam_reports_create, spam_reports_list, spam_reports_retrieve
    from okbnet_client.api.tickets import (
        tickets_comment,
        tickets_create,
        tickets_list,
        tickets_partial_update,
        tickets_retrieve,
    )

    settings.OKBNET_DNS_NAMESERVERS = ["127.0.0.1:9"]  # nothing may leave the machine
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory(member_number="M1000001", plan=PlanFactory(code="fibre-home"))
    MemberFactory()  # someone else, found by nothing above
    StaffFactory(username="suzuki")
    RadiusSessionFactory(member=member, address="203.0.113.7", started_at=timezone.now() - timedelta(hours=2))
    _k, key = ClientAPIKey.objects.create_key(name="call-center", scopes=["read", "write"])
    _k, read_only = ClientAPIKey.objects.create_key(name="reader", scopes=["read"])

    seen = Seen(spec)

    def client(token: str | None = key):
        options = {"base_url": live_server.url, "raise_on_unexpected_status": True, "timeout": 30.0}
        hooks = {"httpx_args": {"event_hooks": {"response": [seen]}}}
        if token is None:
            return okbnet.Client(**options, **hooks)
        return okbnet.AuthenticatedClient(**options, **hooks, token=token, prefix="Api-Key")

    api = client()

    # Plans: the list; a page 0 is a field error; no key is a 401.
    plans = plans_list.sync(client=api)
    assert isinstance(plans, m.PaginatedPlanList) and {p.code for p in plans.results} >= {"fibre-home"}
    assert isinstance(plans_list.sync(client=api, page=0), m.FieldErrors)
    assert isinstance(plans_list.sync(client=client("not-a-key")), m.Detail)

    # Members: search and detail; a page past the last is a 404, an unknown number a 404.
    found = members_search.sync(client=api, search="M1000001")
    assert [r.member_number for r in found.results] == ["M1000001"] and found.results[0].fixed_ip is None
    assert isinstance(members_search.sync(client=api, search="M1000001", page=9), m.Detail)
    detail = members_retrieve.sync("M1000001", client=api)
    assert isinstance(detail, m.MemberDetail) and detail.plan.code == "fibre-home"
    assert isinstance(members_retrieve.sync("M9999999", client=api), m.Detail)

    # Verdicts: R11 with settings, R3 with null settings; a missing field is a field error.
    r11 = op25b_verdict.sync(
        client=api,
        body=m.VerdictInputRequest(
            ip_type=m.IpTypeEnum.DYNAMIC,
            sending_via=m.SendingViaEnum.OTHER_PROVIDER,
            port=m.PortEnum.PORT_25,
            provider_submission=m.ProviderSubmissionEnum.NONE,
        ),
    )
    assert r11.rule == m.RuleEnum.R11 and r11.settings.port == 587
    r3 = op25b_verdict.sync(
        client=api,
        body=m.VerdictInputRequest(ip_type=m.IpTypeEnum.DYNAMIC, sending_via=m.SendingViaEnum.WEBMAIL),
    )
    assert r3.rule == m.RuleEnum.R3 and r3.settings is None and r3.provider_submission_source is None
    no_port = m.VerdictInputRequest(ip_type=m.IpTypeEnum.DYNAMIC, sending_via=m.SendingViaEnum.OKBNET)
    bad = op25b_verdict.sync(client=api, body=no_port)
    assert isinstance(bad, m.FieldErrors) and "port" in bad.additional_properties

    # Diagnoses: a recognised message, one not recognised (its next step), an empty one a field error.
    known = op25b_diagnose.sync(
        client=api,
        body=m.DiagnoseInputRequest(error_text="エラー (0x800CCC0E)", mail_client=m.MailProgramEnum.OUTLOOK_CLASSIC),
    )
    assert known.recognised is True and known.matches[0].rule == m.RuleEnum.R11
    assert known.matches[0].cause == m.CauseEnum.PORT25_BLOCKED
    unknown_text = op25b_diagnose.sync(client=api, body=m.DiagnoseInputRequest(error_text="nothing we know"))
    assert unknown_text.recognised is False and unknown_text.matches == [] and unknown_text.detail
    empty = op25b_diagnose.sync(client=api, body=m.DiagnoseInputRequest(error_text=" "))
    assert isinstance(empty, m.FieldErrors) and "error_text" in empty.additional_properties

    # Tickets: open (idempotently), list with filters, read, change, comment; and their errors.
    opening = m.TicketCreateInputRequest(
        member_number="M1000001",
        category=m.TicketCategoryEnum.OP25B,
        subject="Cannot send mail",
        priority=m.TicketPriorityEnum.HIGH,
    )
    created = tickets_create.sync_detailed(client=api, body=opening, idempotency_key="call-1")
    ticket = created.parsed
    assert created.status_code == 201 and isinstance(ticket, m.TicketDetail) and ticket.assignee is None
    replay = tickets_create.sync_detailed(client=api, body=opening, idempotency_key="call-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.parsed.number == ticket.number
    opening.subject = "Another subject"
    assert isinstance(tickets_create.sync(client=api, body=opening, idempotency_key="call-1"), m.Detail)  # 422
    unknown = m.TicketCreateInputRequest(member_number="M9999999", category=m.TicketCategoryEnum.OTHER, subject="x")
    assert "member_number" in tickets_create.sync(client=api, body=unknown).additional_properties
    no_member = tickets_create.sync(
        client=api,
        body=m.TicketCreateInputRequest(member_number=None, category=m.TicketCategoryEnum.OTHER, subject="y"),
    )
    assert no_member.member_number is None
    assert isinstance(tickets_create.sync(client=client(read_only), body=opening), m.Detail)  # 403

    listed = tickets_list.sync(
        client=api,
        priority=[m.TicketPriorityEnum.HIGH],
        status=[m.TicketStatusEnum.NEW],
        ordering=[m.TicketsOrderingEnum.CREATED_DESC],
    )
    assert [t.number for t in listed.results] == [ticket.number]
    assert isinstance(tickets_list.sync(client=api, page_size=101), m.FieldErrors)

    assert tickets_retrieve.sync(ticket.number, client=api).events[0].kind == m.TicketEventKindEnum.CREATED
    assert isinstance(tickets_retrieve.sync("T-1999-000000", client=api), m.Detail)

    taken = tickets_partial_update.sync(
        ticket.number,
        client=api,
        body=m.PatchedTicketUpdateInputRequest(status=m.TicketStatusEnum.OPEN, assignee="suzuki"),
    )
    assert (taken.status, taken.assignee) == (m.TicketStatusEnum.OPEN, "suzuki")
    refused = tickets_partial_update.sync(
        ticket.number, client=api, body=m.PatchedTicketUpdateInputRequest(status=m.TicketStatusEnum.NEW)
    )
    assert isinstance(refused, m.Detail)  # 409: open → new is not a transition
    nobody = tickets_partial_update.sync(
        ticket.number, client=api, body=m.PatchedTicketUpdateInputRequest(assignee="nobody")
    )
    assert "assignee" in nobody.additional_properties

    note = tickets_comment.sync(
        ticket.number,
        client=api,
        body=m.CommentInputRequest(kind=m.CommentInputKindEnum.INTERNAL_NOTE, body="Called back."),
        idempotency_key="note-1",
    )
    assert note.public is False and note.by == "api:call-center"
    missing = tickets_comment.sync(
        "T-1999-000000", client=api, body=m.CommentInputRequest(kind=m.CommentInputKindEnum.PUBLIC_REPLY, body="x")
    )
    assert isinstance(missing, m.Detail)

    # Plan changes: a request with its steps; an unknown member is a field error, an unknown id a 404.
    change = plan_change_requests_create.sync(
        client=api, body=m.PlanChangeCreateInputRequest(member_number="M1000001"), idempotency_key="pc-1"
    )
    assert change.status == m.PlanChangeStatusEnum.SUBMITTED and change.failure_reason is None
    assert change.fixed_ip is None and change.new_connection_username is None
    # (A second open request's 409 depends on whether the suite's worker has finished the first.)
    nobody = plan_change_requests_create.sync(client=api, body=m.PlanChangeCreateInputRequest(member_number="M9999999"))
    assert "member_number" in nobody.additional_properties
    assert plan_change_requests_retrieve.sync(change.id, client=api).ticket == change.ticket
    assert isinstance(plan_change_requests_retrieve.sync(change.id + 1000, client=api), m.Detail)
    assert members_retrieve.sync("M1000001", client=api).plan_change_requests[0].id == change.id

    # Spam reports: filed on the member who held the address (idempotently), listed, read.
    seen_at = datetime.now(TOKYO) - timedelta(hours=1)
    report_body = m.SpamReportInputRequest(
        source_ip="203.0.113.7", seen_at=seen_at, evidence="Received: from [203.0.113.7]", reporter="abuse@example.net"
    )
    filed = spam_reports_create.sync_detailed(client=api, body=report_body, idempotency_key="spam-1")
    assert filed.status_code == 201 and filed.parsed.member_number == "M1000001"
    again = spam_reports_create.sync_detailed(client=api, body=report_body, idempotency_key="spam-1")
    assert again.headers["Idempotent-Replayed"] == "true" and again.parsed.id == filed.parsed.id
    unheld = spam_reports_create.sync(
        client=api,
        body=m.SpamReportInputRequest(source_ip="198.51.100.9", seen_at=seen_at, evidence="x", reporter="y"),
    )
    assert unheld.member_number is None
    bad_ip = m.SpamReportInputRequest.from_dict({**report_body.to_dict(), "source_ip": "not-an-address"})
    assert "source_ip" in spam_reports_create.sync(client=api, body=bad_ip).additional_properties
    reports = spam_reports_list.sync(client=api, source_ip="203.0.113.7")
    assert [r.id for r in reports.results] == [filed.parsed.id]
    assert isinstance(spam_reports_list.sync(client=api, source_ip="999.1.1.1"), m.FieldErrors)
    assert spam_reports_retrieve.sync(filed.parsed.id, client=api).ticket
    assert isinstance(spam_reports_retrieve.sync(filed.parsed.id + 1000, client=api), m.Detail)
    assert isinstance(spam_reports_retrieve.sync(filed.parsed.id, client=client(None)), m.Detail)  # 401

    # The public dynamic ranges: no key; the ETag gives a 304.
    ranges = dynamic_ranges_retrieve.sync_detailed(client=client(None))
    assert ranges.status_code == 200 and isinstance(ranges.parsed, m.DynamicRanges)
    unchanged = dynamic_ranges_retrieve.sync_detailed(client=client(None), if_none_match=ranges.headers["ETag"])
    assert unchanged.status_code == 304

    # A rate limit is a documented 429 with Retry-After.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "search": "1/hour"},
    }
    limited = client()
    members_search.sync_detailed(client=limited, search="M1000001")
    throttled = members_search.sync_detailed(client=limited, search="M1000001")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 0

    # Nothing undocumented came back (raise_on_unexpected_status would have raised client_errors.UnexpectedStatus)...
    assert client_errors.UnexpectedStatus
    app.control.purge()  # the plan change's task: no worker in this test
    # ...every operation was driven, with a success and an error each, and every body matched.
    operations = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    successes = {name for name, code in seen.calls if code < 300}
    failures = {name for name, code in seen.calls if code >= 300}
    assert successes == operations
    assert failures == operations
    assert seen.problems == []
