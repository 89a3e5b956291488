"""Call-center API for tickets: list with filters and ordering, open, read, update, comment.

Every write goes through support.services with `by=request.user`, so the history records the
API client (`api:<name>`) or the staff user, exactly as the staff pages do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.models import Member
from okbnet_portal.api.fields import StrictCharField, StrictChoiceField, rfc3339
from okbnet_portal.api.idempotency import idempotent
from okbnet_portal.api.schema import (
    CREATE_ERRORS,
    IDEMPOTENCY_KEY,
    LIST_ERRORS,
    RETRIEVE_ERRORS,
    WRITE_ERRORS,
    error_responses,
)

from . import selectors, services
from .filters import TicketFilter
from .models import Ticket, TicketEvent

# --- Output shapes ---


class TicketSerializer(serializers.Serializer):
    number = serializers.CharField()
    member_number = serializers.CharField(allow_null=True)
    category = serializers.ChoiceField(choices=Ticket.Category.choices)
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=Ticket.Status.choices)
    priority = serializers.ChoiceField(choices=Ticket.Priority.choices, help_text="1 low, 2 normal, 3 high, 4 urgent.")
    needs_attention = serializers.BooleanField(help_text="Automatic processing failed: a person must act.")
    assignee = serializers.CharField(allow_null=True, help_text="The staff user name, or null.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class TicketEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TicketEvent.Kind.choices)
    public = serializers.BooleanField(help_text="Whether the member may see it (internal notes are not).")
    field = serializers.CharField(allow_blank=True)
    old_value = serializers.CharField(allow_blank=True)
    new_value = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)
    by = serializers.CharField(help_text="A staff user name, `api:<client>`, or `system`.")
    at = serializers.DateTimeField()


class TicketDetailSerializer(TicketSerializer):
    description = serializers.CharField(allow_blank=True)
    created_by = serializers.CharField(allow_blank=True)
    events = TicketEventSerializer(many=True)


TICKET_EXAMPLE = {
    "number": "T-2026-000123",
    "member_number": "M1000001",
    "category": "op25b",
    "subject": "Cannot send mail through another provider",
    "status": "open",
    "priority": 2,
    "needs_attention": False,
    "assignee": "suzuki",
    "created_at": "2026-11-28T10:15:00+09:00",
    "updated_at": "2026-11-28T10:20:00+09:00",
}
EVENT_EXAMPLE = {
    "kind": "internal_note",
    "public": False,
    "field": "",
    "old_value": "",
    "new_value": "",
    "body": "Called back; the member will try port 587.",
    "by": "api:call-center",
    "at": "2026-11-28T10:20:00+09:00",
}


OPENED_EVENT_EXAMPLE = {
    **EVENT_EXAMPLE,
    "kind": "created",
    "public": True,
    "body": "",
    "at": "2026-11-28T10:15:00+09:00",
}
TICKET_DETAIL_EXAMPLE = {
    **TICKET_EXAMPLE,
    "description": "Outlook, port 25, provider unknown.",
    "created_by": "api:call-center",
    "events": [OPENED_EVENT_EXAMPLE, EVENT_EXAMPLE],
}


def ticket_row_dict(row: dict[str, Any], tz=None) -> dict[str, Any]:
    tz = tz or timezone.get_current_timezone()
    return {
        "number": row["number"],
        "member_number": row["member__member_number"],
        "category": row["category"],
        "subject": row["subject"],
        "status": row["status"],
        "priority": row["priority"],
        "needs_attention": row["needs_attention"],
        "assignee": row["assignee__username"],
        "created_at": rfc3339(row["created_at"], tz),
        "updated_at": rfc3339(row["updated_at"], tz),
    }


def event_dict(event: TicketEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "public": event.is_public,
        "field": event.field,
        "old_value": event.old_value,
        "new_value": event.new_value,
        "body": event.body,
        "by": event.actor_name,
        "at": rfc3339(event.created_at),
    }


def ticket_detail_dict(ticket: Ticket) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "member_number": ticket.member.member_number if ticket.member_id else None,
        "category": ticket.category,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "needs_attention": ticket.needs_attention,
        "assignee": ticket.assignee.get_username() if ticket.assignee_id else None,
        "created_at": rfc3339(ticket.created_at),
        "updated_at": rfc3339(ticket.updated_at),
        "description": ticket.description,
        "created_by": ticket.created_by,
        "events": [event_dict(e) for e in ticket.events.all()],
    }


def get_ticket(number: str) -> Ticket:
    ticket = None if "\x00" in number else selectors.ticket_with_events(number=number)
    if ticket is None:
        raise NotFound()
    return ticket


# --- Inputs ---


FILTER_PARAMS = frozenset(TicketFilter.base_filters)
# May be sent empty: free text, and `ordering` (an empty list: the default order).
FREE_TEXT_PARAMS = frozenset({"q", "member", "assignee", "ordering"})


class TicketCreateInput(serializers.Serializer):
    member_number = StrictCharField(required=False, allow_null=True, max_length=20)
    category = StrictChoiceField(choices=Ticket.Category.choices)
    subject = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="", max_length=10000)
    priority = StrictChoiceField(choices=Ticket.Priority.choices, default=Ticket.Priority.NORMAL)

    def validate_member_number(self, value):
        if value is None:
            return None
        member = Member.objects.filter(member_number=value).first()
        if member is None:
            raise serializers.ValidationError(_("No member has this number."))
        return member


class TicketUpdateInput(serializers.Serializer):
    status = StrictChoiceField(choices=Ticket.Status.choices, required=False)
    priority = StrictChoiceField(choices=Ticket.Priority.choices, required=False)
    assignee = StrictCharField(
        required=False, allow_null=True, max_length=150, help_text="A staff user name, or null to unassign."
    )
    note = StrictCharField(
        required=False, allow_blank=True, max_length=10000, help_text="Stored with the status change."
    )

    def validate_assignee(self, value):
        """The name to its user; whether that user may be assigned is `services.ticket_assign`'s rule."""
        if value is None:
            return None
        user = get_user_model().objects.filter(username=value).first()
        if user is None:
            raise serializers.ValidationError(_("No active staff user has this name."))
        return user


class CommentInput(serializers.Serializer):
    kind = StrictChoiceField(
        choices=[TicketEvent.Kind.PUBLIC_REPLY, TicketEvent.Kind.INTERNAL_NOTE],
        help_text="`public_reply` (the member sees it) or `internal_note` (staff only).",
    )
    body = StrictCharField(max_length=10000)


# --- Views ---


class TicketListView(GenericAPIView):
    serializer_class = TicketSerializer  # documents the output; responses are built as dicts
    filterset_class = TicketFilter

    def get_throttles(self):
        self.throttle_scope = "read" if self.request.method == "GET" else "write"
        return super().get_throttles()

    def get_queryset(self):
        return selectors.ticket_rows()

    def filter_queryset(self, queryset):
        params = self.request.query_params
        if not FILTER_PARAMS.intersection(params):
            return queryset  # the plain list: no filter form to build
        # A choice, a yes/no or a date-time sent empty is a mistake, not "no filter" (the schema says so).
        empty = sorted(name for name in FILTER_PARAMS - FREE_TEXT_PARAMS if name in params and not params[name])
        if empty:
            raise serializers.ValidationError({name: [_("This field may not be blank.")] for name in empty})
        return super().filter_queryset(queryset)

    @extend_schema(
        operation_id="tickets_list",
        summary="Tickets",
        description="Tickets, newest first unless `ordering` says otherwise; filter by status, category, member, "
        "assignee, priority and creation time. Needs the `read` scope.",
        parameters=[
            OpenApiParameter("member", {"type": "string", "maxLength": 20}, description="Member number."),
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": 100},
                description="A ticket number, member number, connection user name or e-mail (exact), or part of "
                "the subject, the member's name or kana.",
            ),
            OpenApiParameter(
                "assignee",
                {"type": "string", "maxLength": 150},
                description="A staff user name, or `none` for unassigned tickets.",
            ),
        ],
        responses={200: TicketSerializer(many=True), **error_responses(*LIST_ERRORS)},
        examples=[OpenApiExample("A ticket", value=TICKET_EXAMPLE, response_only=True)],
        tags=["tickets"],
    )
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        tz = timezone.get_current_timezone()
        return self.get_paginated_response([ticket_row_dict(r, tz) for r in page])

    @extend_schema(
        operation_id="tickets_create",
        summary="Open a ticket",
        description="Opens a ticket (status `new`) for a member, or for no member. The opening is recorded "
        "with the API client or staff user who made it. Needs the `write` scope. Send an `Idempotency-Key` "
        "so that a retry does not open a second ticket.",
        parameters=[IDEMPOTENCY_KEY],
        request=TicketCreateInput,
        responses={201: TicketDetailSerializer, **error_responses(*CREATE_ERRORS)},
        examples=[
            OpenApiExample(
                "A port-25 question",
                value={
                    "member_number": "M1000001",
                    "category": "op25b",
                    "subject": "Cannot send mail through another provider",
                    "description": "Outlook, port 25, provider unknown.",
                    "priority": 2,
                },
                request_only=True,
            ),
            OpenApiExample(
                "The new ticket",
                value={
                    **TICKET_DETAIL_EXAMPLE,
                    "status": "new",
                    "assignee": None,
                    "events": [OPENED_EVENT_EXAMPLE],
                },
                response_only=True,
            ),
        ],
        tags=["tickets"],
    )
    @idempotent
    def post(self, request):
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.ticket_open(
            member=data.validated_data.get("member_number"),
            category=data.validated_data["category"],
            subject=data.validated_data["subject"],
            description=data.validated_data["description"],
            priority=data.validated_data["priority"],
            by=request.user,
        )
        return Response(ticket_detail_dict(get_ticket(ticket.number)), status=status.HTTP_201_CREATED)


NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH, description="e.g. T-2026-000123")


class TicketDetailView(GenericAPIView):
    serializer_class = TicketDetailSerializer  # documents the output; responses are built as dicts

    def get_throttles(self):
        self.throttle_scope = "read" if self.request.method == "GET" else "write"
        return super().get_throttles()

    @extend_schema(
        operation_id="tickets_retrieve",
        summary="A ticket with its history",
        description="The ticket and its append-only history (status changes, assignments, replies, internal "
        "notes, system steps), oldest first. Needs the `read` scope.",
        parameters=[NUMBER],
        responses={200: TicketDetailSerializer, **error_responses(*RETRIEVE_ERRORS)},
        examples=[
            OpenApiExample(
                "A ticket",
                value=TICKET_DETAIL_EXAMPLE,
                response_only=True,
            )
        ],
        tags=["tickets"],
    )
    def get(self, request, number: str):
        return Response(ticket_detail_dict(get_ticket(number)))

    @extend_schema(
        operation_id="tickets_partial_update",
        summary="Change a ticket's status, priority or assignee",
        description="Each change follows the ticket rules (the status transition map: a change it does not "
        "allow is a 409) and is recorded in the history with who made it. All the changes of one request "
        "apply together or not at all. Needs the `write` scope.",
        parameters=[NUMBER],
        request=TicketUpdateInput,
        responses={200: TicketDetailSerializer, **error_responses(*WRITE_ERRORS, 404, 409)},
        examples=[
            OpenApiExample(
                "Take and start a ticket", value={"status": "open", "assignee": "suzuki"}, request_only=True
            ),
            OpenApiExample("The ticket, taken", value=TICKET_DETAIL_EXAMPLE, response_only=True),
        ],
        tags=["tickets"],
    )
    def patch(self, request, number: str):
        ticket = get_ticket(number)
        data = TicketUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        with transaction.atomic():
            if "assignee" in changes:
                services.ticket_assign(ticket=ticket.pk, assignee=changes["assignee"], by=request.user)
            if "priority" in changes:
                services.ticket_set_priority(ticket=ticket.pk, priority=changes["priority"], by=request.user)
            if "status" in changes:
                services.ticket_change_status(
                    ticket=ticket.pk, status=changes["status"], note=changes.get("note", ""), by=request.user
                )
        return Response(ticket_detail_dict(get_ticket(number)))


class TicketCommentView(GenericAPIView):
    serializer_class = TicketEventSerializer  # documents the output; responses are built as dicts
    throttle_scope = "write"

    @extend_schema(
        operation_id="tickets_comment",
        summary="Reply to the member or add an internal note",
        description="Adds a public reply (which also opens a `new` ticket) or an internal note to the history, "
        "recorded with who wrote it. Needs the `write` scope. Send an `Idempotency-Key` so that a retry does "
        "not add the comment twice.",
        parameters=[NUMBER, IDEMPOTENCY_KEY],
        request=CommentInput,
        responses={201: TicketEventSerializer, **error_responses(*CREATE_ERRORS, 404)},
        examples=[
            OpenApiExample(
                "An internal note",
                value={"kind": "internal_note", "body": "Called back; the member will try port 587."},
                request_only=True,
            ),
            OpenApiExample("The note", value=EVENT_EXAMPLE, response_only=True),
        ],
        tags=["tickets"],
    )
    @idempotent
    def post(self, request, number: str):
        ticket = get_ticket(number)
        data = CommentInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.ticket_comment(
            ticket=ticket.pk,
            body=data.validated_data["body"],
            public=data.validated_data["kind"] == TicketEvent.Kind.PUBLIC_REPLY,
            by=request.user,
        )
        return Response(event_dict(event), status=status.HTTP_201_CREATED)
