"""Filter pieces shared by the staff ticket list and the API's."""

from __future__ import annotations

from datetime import UTC, timedelta

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField, RangeField
from django_filters.widgets import DateRangeWidget

# PostgreSQL's timestamptz takes offsets up to ±15:59 (beyond, a DataError).
MAX_OFFSET = timedelta(hours=15, minutes=59)


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time the database can store: a field error, never a DataError or OverflowError."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        offset = value.utcoffset()
        try:
            value.astimezone(UTC)
        except OverflowError:
            offset = None
            bad = True
        else:
            bad = offset is not None and abs(offset) > MAX_OFFSET
        if bad:
            raise forms.ValidationError(
                _("Enter a date-time with a time-zone offset between -15:59 and +15:59."), code="invalid"
            )
        return value


class BoundedIsoDateTimeRangeField(RangeField):
    widget = DateRangeWidget

    def __init__(self, *args, **kwargs):
        super().__init__((BoundedIsoDateTimeField(), BoundedIsoDateTimeField()), *args, **kwargs)


class DateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    field_class = BoundedIsoDateTimeRangeField
