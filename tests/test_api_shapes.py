"""Each API output shape is declared once, as its serializer; the views build plain dicts for
speed. One test per shape: the dict the API sends, built from real rows, matches the schema
generated from its serializer exactly (every field, no field more: additionalProperties false)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from accounts import api as accounts_api
from accounts import selectors as account_selectors
from accounts.models import PlanChangeRequest
from mailsettings import services as verdicts
from mailsettings.selectors import mail_setups_with_verdicts
from network.api import DynamicRangesView
from support import api as support_api
from support import selectors as ticket_selectors
from support import services as tickets

from .factories import FixedPoolFactory, MailSetupFactory, MemberFactory, StaffFactory, TicketFactory
from .openapi import errors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def closed_spec(django_db_blocker):
    """The served schema, with every object closed to fields its serializer does not declare."""
    from django.test import Client

    with django_db_blocker.unblock():
        spec = copy.deepcopy(Client().get("/api/schema/?format=json").json())
    for schema in spec["components"]["schemas"].values():
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if node.get("type") == "object" and "properties" in node:
                    node["additionalProperties"] = False
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return spec


def check(spec, component: str, value) -> None:
    assert errors(spec, {"$ref": f"#/components/schemas/{component}"}, value) == []


@pytest.fixture
def member(db):
    FixedPoolFactory(network="192.0.2.0/29")
    member = MemberFactory()
    MailSetupFactory(member=member)
    MailSetupFactory(member=member, sending_via="webmail", port=None)  # a verdict with null settings
    return member


def test_the_plan_dict_is_the_plan_serializer(closed_spec, member):
    check(closed_spec, "Plan", accounts_api.plan_dict(member.plan))
    check(closed_spec, "Plan", accounts_api.plan_dict(member.plan.fixed_variant))  # fixed_variant null


def test_the_member_dict_is_the_member_serializer(closed_spec, member):
    row = account_selectors.member_rows().get(pk=member.pk)
    check(closed_spec, "Member", accounts_api.member_dict(row, english=False))


def test_the_member_detail_dict_is_the_member_detail_serializer(closed_spec, member):
    TicketFactory(member=member)
    from accounts import services as plan_changes

    plan_changes.plan_change_request(member=member, target_plan=None, by=StaffFactory())
    detail = accounts_api.member_detail_dict(account_selectors.member_detail_row(member_number=member.member_number))
    assert detail["mail_setups"] and detail["open_tickets"] and detail["plan_change_requests"]
    check(closed_spec, "MemberDetail", detail)


def test_the_mail_setup_dict_is_the_mail_setup_serializer(closed_spec, member):
    for setup, verdict in mail_setups_with_verdicts(member):
        check(closed_spec, "MailSetup", accounts_api.mail_setup_dict(setup, verdict))


def test_the_plan_change_dict_is_the_plan_change_request_serializer(closed_spec, member):
    from accounts import services as plan_changes

    created = plan_changes.plan_change_request(member=member, target_plan=None, by=StaffFactory())
    request = account_selectors.plan_change_with_ticket(request_id=created.pk)
    check(closed_spec, "PlanChangeRequest", accounts_api.plan_change_dict(request, member_number=member.member_number))
    PlanChangeRequest.objects.filter(pk=created.pk).update(
        status="completed", fixed_ip="192.0.2.1", new_connection_username="okbf1"
    )
    request = account_selectors.plan_change_with_ticket(request_id=created.pk)
    check(closed_spec, "PlanChangeRequest", accounts_api.plan_change_dict(request, member_number=member.member_number))


def test_the_ticket_dicts_are_the_ticket_serializers(closed_spec, member):
    staff = StaffFactory()
    with_member = TicketFactory(member=member)
    without = TicketFactory(member=None)
    tickets.ticket_assign(ticket=with_member.pk, assignee=staff, by=staff)
    tickets.ticket_comment(ticket=with_member.pk, body="Called back.", public=False, by=staff)
    for row in ticket_selectors.ticket_rows():
        check(closed_spec, "Ticket", support_api.ticket_row_dict(row))
    for ticket in (with_member, without):
        detail = support_api.ticket_detail_dict(support_api.get_ticket(ticket.number))
        check(closed_spec, "TicketDetail", detail)
        for event in detail["events"]:
            check(closed_spec, "TicketEvent", event)


def test_the_verdict_dict_is_the_verdict_serializer(closed_spec):
    for body in (
        {"ip_type": "dynamic", "sending_via": "other_provider", "port": 25, "provider_submission": "none"},
        {"ip_type": "dynamic", "sending_via": "webmail"},
        {"ip_type": "fixed", "sending_via": "own_server", "port": 25},
        {"ip_type": "dynamic", "sending_via": "okbnet", "port": None},
    ):
        check(closed_spec, "Verdict", verdicts.verdict_give(body, counted=False)[0])


def test_the_diagnosis_dict_is_the_diagnosis_serializer(closed_spec):
    from mailsettings import diagnose

    for text in ("0x800CCC0E", "554 5.7.1 Relay access denied", "421 4.7.0 Try again later", "nothing known"):
        check(closed_spec, "Diagnosis", diagnose.diagnose(text))
    for entry in diagnose.TABLE:  # every cause, rule (or null) and client is in the schema's enums
        body = diagnose.diagnose(
            entry.patterns[0] if isinstance(entry.patterns[0], str) else " ".join(entry.patterns[0])
        )
        check(closed_spec, "Diagnosis", body)
        assert body["recognised"] is True


def test_the_dynamic_ranges_body_is_its_serializer(closed_spec, client):
    assert DynamicRangesView  # the view whose body this is
    check(closed_spec, "DynamicRanges", client.get("/api/v1/network/dynamic-ranges/").json())


def test_the_dates_are_rfc3339_even_before_1888(closed_spec):
    from okbnet_portal.api.fields import rfc3339

    old = datetime(1800, 1, 1, tzinfo=UTC) + timedelta(hours=3)
    assert rfc3339(old) == "1800-01-01T03:00:00+00:00"  # Tokyo's +09:18:59 then is not RFC 3339
    assert rfc3339(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01T09:00:00+09:00"


def test_a_dict_with_a_field_its_serializer_lacks_is_caught(closed_spec, member):
    extra = {**accounts_api.plan_dict(member.plan), "surprise": 1}
    assert errors(closed_spec, {"$ref": "#/components/schemas/Plan"}, extra) != []
    missing = accounts_api.plan_dict(member.plan)
    del missing["monthly_fee"]
    assert errors(closed_spec, {"$ref": "#/components/schemas/Plan"}, missing) != []
