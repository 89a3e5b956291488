"""Filter pieces shared by the staff ticket list and the API's."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from okbnet_portal.moments import MOMENT_SCHEMA, check_moment

from . import selectors
from .models import Ticket


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false`, as the schema's boolean says; anything else is a field error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value):
        pass


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


@extend_schema_field(MOMENT_SCHEMA)
class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time held to the accepted range (okbnet_portal.moments), as the schema says."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validators=[check_moment], **kwargs)


class TicketFilter(django_filters.FilterSet):
    """The one ticket filter: the API's list takes it as query parameters, the staff list
    (support.views.ticket_list) translates its form into the same parameters."""

    q = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        help_text="A ticket number, member number, connection user name or e-mail (exact), or part of the "
        "subject, the member's name or kana.",
    )
    open = BooleanFilter(method="filter_open", help_text="`true`: tickets not resolved or closed.")
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices, help_text="Repeat for several.")
    category = django_filters.MultipleChoiceFilter(choices=Ticket.Category.choices, help_text="Repeat for several.")
    member = django_filters.CharFilter(field_name="member__member_number", max_length=20, help_text="Member number.")
    assignee = django_filters.CharFilter(
        method="filter_assignee", max_length=150, help_text="A staff user name, or `none` for unassigned tickets."
    )
    priority = django_filters.MultipleChoiceFilter(choices=Ticket.Priority.choices, help_text="Repeat for several.")
    needs_attention = BooleanFilter()
    awaiting_staff = BooleanFilter(help_text="`true`: the member wrote last and waits for staff.")
    # One filter per bound, each held to the accepted range (okbnet_portal.moments): an offset
    # PostgreSQL refuses, or a year before 1900, is a field error on that parameter.
    created_after = MomentFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Created at or after this ISO 8601 date-time (offset within ±14:00, year 1900 or later).",
    )
    created_before = MomentFilter(
        field_name="created_at",
        lookup_expr="lte",
        help_text="Created at or before this ISO 8601 date-time (offset within ±14:00, year 1900 or later).",
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created"),
            ("updated_at", "updated"),
            ("priority", "priority"),
            ("status", "status"),
            ("id", "number"),
        ),
        help_text="`created`, `updated`, `priority`, `status` or `number`; `-` first for descending "
        "(default `-created`).",
    )

    class Meta:
        model = Ticket
        fields = ["status", "category", "member", "assignee", "priority", "needs_attention", "awaiting_staff"]

    def filter_search(self, queryset, name, value):
        return selectors.ticket_search(queryset, value)

    def filter_open(self, queryset, name, value):
        return queryset.unresolved() if value else queryset.filter(status__in=Ticket.CLOSED_STATUSES)

    def filter_assignee(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset.filter(assignee__username=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A stable order for pagination: the chosen one, then the id.
        order = list(queryset.query.order_by) or ["-created_at"]
        tie = "-id" if order[0].startswith("-") else "id"
        return queryset.order_by(*order, tie)
