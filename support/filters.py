"""Filter pieces shared by the staff ticket list and the API's."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget

from . import selectors
from .models import Ticket


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time with any offset RFC 3339 allows, compared in UTC: PostgreSQL refuses
    offsets beyond ±15:59 (a DataError), the instant itself is fine. One that falls outside the years
    1 to 9999 in UTC is a field error, never an OverflowError."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(_("Enter a date-time between the years 1 and 9999."), code="invalid") from None


class BoundedIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((BoundedIsoDateTimeField(), BoundedIsoDateTimeField()), *args, **kwargs)


class DateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    field_class = BoundedIsoDateTimeRangeField


class TicketFilter(django_filters.FilterSet):
    """The one ticket filter: the API's list takes it as query parameters, the staff list
    (support.views.ticket_list) translates its form into the same parameters."""

    q = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        help_text="A ticket number, member number, connection user name or e-mail (exact), or part of the "
        "subject, the member's name or kana.",
    )
    open = django_filters.BooleanFilter(method="filter_open", help_text="`true`: tickets not resolved or closed.")
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices, help_text="Repeat for several.")
    category = django_filters.MultipleChoiceFilter(choices=Ticket.Category.choices, help_text="Repeat for several.")
    member = django_filters.CharFilter(field_name="member__member_number", max_length=20, help_text="Member number.")
    assignee = django_filters.CharFilter(
        method="filter_assignee", max_length=150, help_text="A staff user name, or `none` for unassigned tickets."
    )
    priority = django_filters.MultipleChoiceFilter(choices=Ticket.Priority.choices, help_text="Repeat for several.")
    needs_attention = django_filters.BooleanFilter()
    created = DateTimeFromToRangeFilter(
        field_name="created_at", help_text="`created_after` / `created_before`: ISO 8601 date-times."
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
        fields = ["status", "category", "member", "assignee", "priority", "needs_attention", "created"]

    def filter_search(self, queryset, name, value):
        return selectors.ticket_search(queryset, value)

    def filter_open(self, queryset, name, value):
        closed = [Ticket.Status.RESOLVED, Ticket.Status.CLOSED]
        return queryset.exclude(status__in=closed) if value else queryset.filter(status__in=closed)

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
