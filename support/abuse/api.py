"""Spam reports over the API (the call-center tool files what arrives by phone or mail)."""

import django_filters
from django import forms
from django.db import models
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from okbnet_portal.api.fields import (
    IP_ADDRESS_SCHEMA,
    DateTimeField,
    MomentField,
    StrictCharField,
    StrictIPAddressField,
)
from okbnet_portal.api.idempotency import idempotent
from okbnet_portal.api.schema import CREATE_ERRORS, IDEMPOTENCY_KEY, LIST_ERRORS, RETRIEVE_ERRORS, error_responses
from support.models import SpamReport

from . import services as abuse


class SpamReportInput(serializers.Serializer):
    source_ip = StrictIPAddressField(help_text="The address the spam came from.")
    seen_at = MomentField(help_text="When (ISO 8601 with offset; without one, Japan time).")
    evidence = StrictCharField(help_text="Headers or log lines as received.")
    reporter = StrictCharField(max_length=200, help_text="Who reported it.")


class SpamReportOutput(serializers.ModelSerializer):
    member_number = serializers.CharField(source="member.member_number", allow_null=True, default=None)
    ticket = serializers.CharField(source="ticket.number")

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

    class Meta:
        model = SpamReport
        fields = [
            "id",
            "source_ip",
            "seen_at",
            "reporter",
            "evidence",
            "member_number",
            "held_as",
            "ticket",
            "created_by",
            "created_at",
        ]


class IpAddressFilter(django_filters.Filter):
    # A validated address: a malformed one is a 400, never a database error on an inet column.
    field_class = forms.GenericIPAddressField


class SpamReportFilter(django_filters.FilterSet):
    source_ip = IpAddressFilter(help_text="Source IP address.")
    member = django_filters.CharFilter(field_name="member__member_number", help_text="Member number.")

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }

    class Meta:
        model = SpamReport
        fields = ["source_ip", "member"]


REPORT_EXAMPLE = {
    "id": 7,
    "source_ip": "203.0.113.7",
    "seen_at": "2026-11-01T09:30:00+09:00",
    "reporter": "abuse@example.net",
    "evidence": "Received: from [203.0.113.7] …",
    "member_number": "M1000001",
    "held_as": "session",
    "ticket": "T-2026-000125",
    "created_by": "api:call-center",
    "created_at": "2026-11-01T10:00:00+09:00",
}


class SpamReportListCreate(generics.ListAPIView):
    """`GET` lists spam reports (newest first); `POST` files one: the member who held the
    address at that time is found and a `spam_report` ticket is opened on them."""

    serializer_class = SpamReportOutput
    queryset = SpamReport.objects.select_related("member", "ticket")
    filterset_class = SpamReportFilter

    def get_throttles(self):
        self.throttle_scope = "read" if self.request.method == "GET" else "write"
        return super().get_throttles()

    @extend_schema(
        operation_id="spam_reports_list",
        summary="Spam reports",
        description="Spam reports, newest first; filter by source address or member number. Needs the `read` scope.",
        parameters=[
            OpenApiParameter(
                "source_ip",
                {"oneOf": [*IP_ADDRESS_SCHEMA["oneOf"], {"type": "string", "maxLength": 0}]},
                description="Source IP address (empty: any).",
            )
        ],
        responses={200: SpamReportOutput(many=True), **error_responses(*LIST_ERRORS)},
        examples=[OpenApiExample("A report", value=REPORT_EXAMPLE, response_only=True)],
        tags=["spam-reports"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="spam_reports_create",
        summary="File a spam report",
        description="Finds the member who held `source_ip` at `seen_at` (a session or a fixed address) and "
        "opens a `spam_report` ticket on them (or on no member). Needs the `write` scope. Send an "
        "`Idempotency-Key` so that a retry does not file the report twice.",
        parameters=[IDEMPOTENCY_KEY],
        request=SpamReportInput,
        responses={201: SpamReportOutput, **error_responses(*CREATE_ERRORS)},
        examples=[
            OpenApiExample(
                "A report",
                request_only=True,
                value={
                    "source_ip": "203.0.113.7",
                    "seen_at": "2026-11-01T09:30:00+09:00",
                    "evidence": "Received: from [203.0.113.7] …",
                    "reporter": "abuse@example.net",
                },
            ),
            OpenApiExample("The filed report", value=REPORT_EXAMPLE, response_only=True),
        ],
        tags=["spam-reports"],
    )
    @idempotent
    def post(self, request):
        data = SpamReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = abuse.spam_report_file(**data.validated_data, by=request.user)
        report = self.get_queryset().get(pk=report.pk)
        return Response(SpamReportOutput(report).data, status=status.HTTP_201_CREATED)


class SpamReportDetail(generics.RetrieveAPIView):
    serializer_class = SpamReportOutput
    queryset = SpamReport.objects.select_related("member", "ticket")
    throttle_scope = "read"

    def get_object(self):
        if self.kwargs["pk"] >= 2**63:  # past PostgreSQL's bigint: no such report
            raise NotFound()
        try:
            return super().get_object()
        except Http404:
            raise NotFound() from None  # DRF's own "Not found.", not the model's name

    @extend_schema(
        operation_id="spam_reports_retrieve",
        summary="A spam report",
        description="Needs the `read` scope.",
        responses={200: SpamReportOutput, **error_responses(*RETRIEVE_ERRORS)},
        examples=[OpenApiExample("A report", value=REPORT_EXAMPLE, response_only=True)],
        tags=["spam-reports"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
