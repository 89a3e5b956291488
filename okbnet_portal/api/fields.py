"""API input fields shared by every app's serializers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from okbnet_portal.moments import parse_moment


class MomentField(serializers.DateTimeField):
    """An ISO 8601 / RFC 3339 date-time read by okbnet_portal.moments (the portal's one parser):
    the offset is checked as sent (within ±14:00), the year is 1900 or later, and a value
    without an offset is Japan time. Output is DRF's, in the current time zone."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                return self.enforce_timezone(parse_moment(value))
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return super().to_internal_value(value)
