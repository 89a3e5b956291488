"""Spam reports over the API (the call-center tool files what arrives by phone or mail)."""

import django_filters
from django import forms
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from okbnet_portal.api.fields import MomentField
from support.models import SpamReport

from . import services as abuse


class SpamReportInput(serializers.Serializer):
    source_ip = serializers.IPAddressField(help_text="The address the spam came from.")
    seen_at = MomentField(help_text="When (ISO 8601 with offset; without one, Japan time).")
    evidence = serializers.CharField(help_text="Headers or log lines as received.")
    reporter = serializers.CharField(max_length=200, help_text="Who reported it.")


class SpamReportOutput(serializers.ModelSerializer):
    member_number = serializers.CharField(source="member.member_number", allow_null=True, default=None)
    ticket = serializers.CharField(source="ticket.number")

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

    class Meta:
        model = SpamReport
        fields = ["source_ip", "member"]


class SpamReportListCreate(generics.ListAPIView):
    """`GET` lists spam reports (newest first); `POST` files one: the member who held the
    address at that time is found and a `spam_report` ticket is opened on them."""

    serializer_class = SpamReportOutput
    queryset = SpamReport.objects.select_related("member", "ticket")
    filterset_class = SpamReportFilter

    @extend_schema(
        request=SpamReportInput,
        responses={201: SpamReportOutput},
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
            )
        ],
    )
    def post(self, request):
        data = SpamReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = abuse.spam_report_file(**data.validated_data, by=request.user)
        report = self.get_queryset().get(pk=report.pk)
        return Response(SpamReportOutput(report).data, status=status.HTTP_201_CREATED)


class SpamReportDetail(generics.RetrieveAPIView):
    serializer_class = SpamReportOutput
    queryset = SpamReport.objects.select_related("member", "ticket")
