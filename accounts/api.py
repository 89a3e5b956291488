"""Call-center API: connection plans, member search and member detail (DESIGN §6)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import django_filters
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from mailsettings import op25b
from mailsettings.api import VerdictSerializer
from mailsettings.models import MailProgram, MailSetup
from mailsettings.selectors import mail_setups_with_verdicts, member_dns_facts
from okbnet_portal.api.idempotency import idempotent
from okbnet_portal.api.schema import IDEMPOTENCY_KEY, READ_ERRORS, WRITE_ERRORS, error_responses
from support.api import TICKET_EXAMPLE, TicketSerializer, ticket_row_dict
from support.selectors import open_ticket_rows_of

from . import selectors
from . import services as plan_services
from .models import ConnectionPlan, IpType, Member, PlanChangeRequest

_datetime = serializers.DateTimeField()

# --- Output shapes (plain serializers document them; hot paths build dicts) ---


class PlanSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="In the request's language.")
    ip_type = serializers.ChoiceField(choices=IpType.choices)
    monthly_fee = serializers.IntegerField(help_text="Yen, tax included.")


class PlanSerializer(PlanSummarySerializer):
    name_ja = serializers.CharField()
    name_en = serializers.CharField()
    line_type = serializers.CharField()
    fixed_variant = serializers.CharField(
        allow_null=True, help_text="Code of the fixed-IP variant of a dynamic plan (null if none)."
    )


class MemberSerializer(serializers.Serializer):
    member_number = serializers.CharField()
    name = serializers.CharField()
    name_kana = serializers.CharField()
    connection_username = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    status = serializers.ChoiceField(choices=Member.Status.choices)
    plan = PlanSummarySerializer()
    fixed_ip = serializers.IPAddressField(allow_null=True)


class PlanChangeStepSerializer(serializers.Serializer):
    step = serializers.CharField(
        help_text="received, processing, address_allocated, username_issued, "
        "plan_switched, email_queued, completed; or cancelled, failed, retried."
    )
    label = serializers.CharField(help_text="In the request's language.")
    at = serializers.DateTimeField()


class PlanChangeRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member_number = serializers.CharField()
    status = serializers.ChoiceField(choices=PlanChangeRequest.Status.choices)
    target_plan = serializers.CharField(allow_null=True, help_text="Code of the fixed-IP plan.")
    new_connection_username = serializers.CharField(allow_null=True, help_text="Set when completed.")
    fixed_ip = serializers.IPAddressField(allow_null=True, help_text="Set when completed.")
    failure_reason = serializers.ChoiceField(
        choices=PlanChangeRequest.FailureReason.choices, allow_null=True, help_text="Set when failed."
    )
    effective_date = serializers.DateField(help_text="The new plan and fee apply from this day.")
    ticket = serializers.CharField(help_text="The number of the ticket that follows the request.")
    steps = PlanChangeStepSerializer(many=True)
    created_at = serializers.DateTimeField()
    notice = serializers.CharField(
        required=False,
        help_text="Only in the answer to a new request whose processing may be delayed (the queue was "
        "unreachable): the request is saved and starts automatically within a few minutes.",
    )


class DnsFactsSerializer(serializers.Serializer):
    """Stored DNS facts of the member's own domain (mailsettings.selectors.dns_facts)."""

    domain = serializers.CharField()
    domain_display = serializers.CharField()
    kind = serializers.CharField()
    state = serializers.ChoiceField(choices=["never_checked", "pending", "checked", "invalid"])
    refreshing = serializers.BooleanField(required=False)
    checked_at = serializers.DateTimeField(required=False, allow_null=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    expired = serializers.BooleanField(required=False)
    ok = serializers.BooleanField(required=False, allow_null=True)
    facts = serializers.ListField(child=serializers.DictField(), help_text="Each fact in words, with advice.")
    history = serializers.ListField(child=serializers.DictField())


class MailSetupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    mail_program = serializers.ChoiceField(choices=MailProgram.choices)
    sending_via = serializers.ChoiceField(choices=op25b.SendingVia.choices)
    port = serializers.IntegerField(allow_null=True)
    provider_submission = serializers.ChoiceField(choices=op25b.ProviderSubmission.choices)
    okbnet_address = serializers.CharField(allow_blank=True)
    provider_host = serializers.CharField(allow_blank=True)
    provider_domain = serializers.CharField(allow_blank=True)
    verdict = VerdictSerializer(help_text="Computed now, with the member's current plan (DESIGN §7).")


class MemberDetailSerializer(MemberSerializer):
    mail_address = serializers.CharField(help_text="The member's OKBNET mail address (may be empty).")
    mail_setups = MailSetupSerializer(many=True, help_text="The member's saved mail setups with their verdicts.")
    open_tickets = TicketSerializer(many=True, help_text="Tickets not resolved or closed, newest first.")
    plan_change_requests = PlanChangeRequestSerializer(many=True, help_text="Newest first.")
    dns_facts = DnsFactsSerializer(
        many=True, help_text="DNS facts of the member's own mail domain hosted by OKBNET (empty for @okbnet.ne.jp)."
    )


MEMBER_EXAMPLE = {
    "member_number": "M1000001",
    "name": "山田 太郎",
    "name_kana": "ヤマダ タロウ",
    "connection_username": "okb1000001",
    "email": "taro@example.jp",
    "phone": "0859-00-0001",
    "status": "active",
    "plan": {"code": "fibre-home", "name": "光ホーム", "ip_type": "dynamic", "monthly_fee": 5280},
    "fixed_ip": None,
}


def plan_dict(plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "name": plan.display_name,
        "name_ja": plan.name,
        "name_en": plan.name_en,
        "line_type": plan.line_type,
        "ip_type": plan.ip_type,
        "monthly_fee": plan.monthly_fee,
        "fixed_variant": plan.fixed_variant.code if plan.fixed_variant_id else None,
    }


def member_dict(row: dict[str, Any], *, english: bool) -> dict[str, Any]:
    """A member of the API from a row of selectors.member_rows()."""
    return {
        "member_number": row["member_number"],
        "name": row["name"],
        "name_kana": row["name_kana"],
        "connection_username": row["connection_username"],
        "email": row["email"],
        "phone": row["phone"],
        "status": row["status"],
        "plan": {
            "code": row["plan__code"],
            "name": row["plan__name_en"] if english else row["plan__name"],
            "ip_type": row["plan__ip_type"],
            "monthly_fee": row["plan__monthly_fee"],
        },
        "fixed_ip": row["fixed_ip"],
    }


PLAN_CHANGE_EXAMPLE = {
    "id": 42,
    "member_number": "M1000001",
    "status": "completed",
    "target_plan": "fibre-home-fixed",
    "new_connection_username": "okbf1000001",
    "fixed_ip": "203.0.113.10",
    "failure_reason": None,
    "effective_date": "2026-12-01",
    "ticket": "T-2026-000124",
    "steps": [
        {"step": "received", "label": "受付", "at": "2026-11-28T10:15:00+09:00"},
        {"step": "completed", "label": "完了", "at": "2026-11-28T10:15:03+09:00"},
    ],
    "created_at": "2026-11-28T10:15:00+09:00",
}


def plan_change_dict(request: PlanChangeRequest, *, member_number: str) -> dict[str, Any]:
    labels = plan_services.STEP_LABELS
    return {
        "id": request.pk,
        "member_number": member_number,
        "status": request.status,
        "target_plan": request.target_plan.code if request.target_plan_id else None,
        "new_connection_username": request.new_connection_username or None,
        "fixed_ip": request.fixed_ip,
        "failure_reason": request.failure_reason or None,
        "effective_date": request.effective_date.isoformat(),
        "ticket": request.ticket.number,
        "steps": [
            {"step": s["step"], "label": str(labels.get(s["step"], s["step"])), "at": s["at"]} for s in request.steps
        ],
        "created_at": _datetime.to_representation(request.created_at),
    }


def mail_setup_dict(setup: MailSetup, verdict: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": setup.pk,
        "label": setup.label,
        "mail_program": setup.mail_program,
        "sending_via": setup.sending_via,
        "port": setup.port,
        "provider_submission": setup.provider_submission,
        "okbnet_address": setup.okbnet_address,
        "provider_host": setup.provider_host,
        "provider_domain": setup.provider_domain,
        "verdict": verdict,
    }


def is_english() -> bool:
    return (get_language() or "ja").startswith("en")


# --- Views ---


class PlanListView(GenericAPIView):
    serializer_class = PlanSerializer  # documents the output; responses are built as dicts
    throttle_scope = "read"

    def get_queryset(self):
        return selectors.plan_list()

    @extend_schema(
        operation_id="plans_list",
        summary="Connection plans",
        description="The price list: each plan with its IP type, monthly fee and (for dynamic plans) "
        "the code of its fixed-IP variant. Needs the `read` scope.",
        responses={200: PlanSerializer(many=True), **error_responses(404, *READ_ERRORS)},
        examples=[
            OpenApiExample(
                "A dynamic plan",
                value={
                    "code": "fibre-home",
                    "name": "光ホーム",
                    "name_ja": "光ホーム",
                    "name_en": "Fibre Home",
                    "line_type": "fibre",
                    "ip_type": "dynamic",
                    "monthly_fee": 5280,
                    "fixed_variant": "fibre-home-fixed",
                },
                response_only=True,
            )
        ],
        tags=["plans"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([plan_dict(p) for p in page])


class MemberFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Member.Status.choices)
    plan = django_filters.CharFilter(field_name="plan__code", max_length=40, help_text="Plan code.")

    class Meta:
        model = Member
        fields = ["status", "plan"]


class MemberSearchInput(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


SEARCH_PARAMETER = OpenApiParameter(
    "search",
    str,
    description="An exact member number, connection user name, e-mail (any case) or phone; else part of "
    "the name or kana (three characters or more; shorter text matches the beginning).",
    examples=[
        OpenApiExample("Member number", value="M1000001"),
        OpenApiExample("Part of the kana", value="ヤマダ タ"),
    ],
)


class MemberListView(GenericAPIView):
    serializer_class = MemberSerializer  # documents the output; responses are built as dicts
    throttle_scope = "search"
    filterset_class = MemberFilter

    def get_queryset(self):
        return selectors.member_rows()

    @extend_schema(
        operation_id="members_search",
        summary="Find a member",
        description="Search members for the caller on the phone. Exact look-ups (member number, connection "
        "user name, e-mail, phone) and partial name/kana search, all through indexes. Ordered by member "
        "number, paginated. Needs the `read` scope.",
        parameters=[SEARCH_PARAMETER],
        responses={200: MemberSerializer(many=True), **error_responses(400, 404, *READ_ERRORS)},
        examples=[OpenApiExample("A member", value=MEMBER_EXAMPLE, response_only=True)],
        tags=["members"],
    )
    def get(self, request):
        query = MemberSearchInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.member_search(self.filter_queryset(self.get_queryset()), query.validated_data["search"])
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([member_dict(r, english=is_english()) for r in page])


class MemberDetailView(GenericAPIView):
    serializer_class = MemberDetailSerializer  # documents the output; responses are built as dicts
    throttle_scope = "read"

    @extend_schema(
        operation_id="members_retrieve",
        summary="A member",
        description="The member with their plan and fixed IP address, saved mail setups with their OP25B "
        "verdicts, open tickets, plan-change requests and "
        "the stored DNS facts of their own mail domain. "
        "Needs the `read` scope.",
        parameters=[OpenApiParameter("member_number", str, OpenApiParameter.PATH, description="e.g. M1000001")],
        responses={200: MemberDetailSerializer, **error_responses(404, *READ_ERRORS)},
        examples=[
            OpenApiExample(
                "A member",
                value={
                    **MEMBER_EXAMPLE,
                    "mail_address": "taro@okbnet.ne.jp",
                    "mail_setups": [],
                    "open_tickets": [TICKET_EXAMPLE],
                    "plan_change_requests": [PLAN_CHANGE_EXAMPLE],
                    "dns_facts": [],
                },
                response_only=True,
            )
        ],
        tags=["members"],
    )
    def get(self, request, member_number: str):
        row = None if "\x00" in member_number else selectors.member_detail_row(member_number=member_number)
        if row is None:
            raise NotFound()
        data = member_dict(row, english=is_english())
        data["mail_address"] = row["mail_address"]
        data["mail_setups"] = [
            mail_setup_dict(setup, verdict) for setup, verdict in mail_setups_with_verdicts(Member(pk=row["id"]))
        ]
        data["open_tickets"] = [ticket_row_dict(t) for t in open_ticket_rows_of(row["id"])]
        data["plan_change_requests"] = [
            plan_change_dict(r, member_number=row["member_number"])
            for r in selectors.plan_changes_of(member_id=row["id"])
        ]
        data["dns_facts"] = member_dns_facts(SimpleNamespace(mail_address=row["mail_address"]))
        return Response(data)


# --- Fixed-IP plan-change requests ---


class PlanChangeCreateInput(serializers.Serializer):
    member_number = serializers.CharField(max_length=20)
    target_plan = serializers.CharField(
        required=False, allow_null=True, max_length=40, help_text="Default: the fixed-IP variant of the member's plan."
    )

    def validate_member_number(self, value):
        member = Member.objects.select_related("plan", "plan__fixed_variant").filter(member_number=value).first()
        if member is None:
            raise serializers.ValidationError(_("No member has this number."))
        return member

    def validate_target_plan(self, value):
        if value is None:
            return None
        plan = ConnectionPlan.objects.filter(code=value).first()
        if plan is None:
            raise serializers.ValidationError(_("No plan has this code."))
        return plan


class PlanChangeCreateView(GenericAPIView):
    serializer_class = PlanChangeRequestSerializer  # documents the output; responses are built as dicts
    throttle_scope = "write"

    @extend_schema(
        operation_id="plan_change_requests_create",
        summary="Request a fixed-IP plan change for a member",
        description="The same request as the member's own page: the same checks, the same ticket, the same "
        "e-mail when a worker has done it. The request starts `submitted`; poll it for its steps. A member "
        "with an open request gets a 409. Needs the `write` scope. Send an `Idempotency-Key` so that a retry "
        "returns the first request instead of a 409.",
        parameters=[IDEMPOTENCY_KEY],
        request=PlanChangeCreateInput,
        responses={201: PlanChangeRequestSerializer, **error_responses(*WRITE_ERRORS, 409, 422)},
        examples=[
            OpenApiExample("To the fixed-IP variant", value={"member_number": "M1000001"}, request_only=True),
            OpenApiExample(
                "Submitted",
                value={
                    **PLAN_CHANGE_EXAMPLE,
                    "status": "submitted",
                    "new_connection_username": None,
                    "fixed_ip": None,
                    "steps": PLAN_CHANGE_EXAMPLE["steps"][:1],
                },
                response_only=True,
            ),
        ],
        tags=["plan-change-requests"],
    )
    @idempotent
    def post(self, request):
        data = PlanChangeCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = data.validated_data["member_number"]
        created = plan_services.plan_change_request(
            member=member, target_plan=data.validated_data.get("target_plan"), by=request.user
        )
        body = plan_change_dict(
            selectors.plan_change_with_ticket(request_id=created.pk), member_number=member.member_number
        )
        if created.processing_delayed:
            body["notice"] = str(plan_services.PROCESSING_DELAYED)
        return Response(body, status=201)


class PlanChangeDetailView(GenericAPIView):
    serializer_class = PlanChangeRequestSerializer  # documents the output; responses are built as dicts
    throttle_scope = "read"

    @extend_schema(
        operation_id="plan_change_requests_retrieve",
        summary="A plan-change request: status and steps",
        description="Needs the `read` scope.",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        responses={200: PlanChangeRequestSerializer, **error_responses(404, *READ_ERRORS)},
        examples=[OpenApiExample("Completed", value=PLAN_CHANGE_EXAMPLE, response_only=True)],
        tags=["plan-change-requests"],
    )
    def get(self, request, pk: int):
        found = selectors.plan_change_with_ticket(request_id=pk) if pk < 2**63 else None
        if found is None:
            raise NotFound()
        return Response(plan_change_dict(found, member_number=found.member.member_number))
