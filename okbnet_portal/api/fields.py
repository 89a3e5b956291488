"""Input fields that take JSON as the schema types it: DRF's own turn `5` into `"5"` for a string
field and accept `"2"` for an integer choice, so a client could send what the schema forbids."""

from datetime import UTC, datetime, tzinfo

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from okbnet_portal.moments import MOMENT_SCHEMA, parse_moment

NOT_TEXT = _("Send text (a JSON string).")


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": NOT_TEXT}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The schema's maxLength counts what was sent, before DRF trims surrounding white space.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


IP_ADDRESS_SCHEMA = {
    "oneOf": [{"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"}],
    "description": "An IPv4 or IPv6 address.",
}


@extend_schema_field(IP_ADDRESS_SCHEMA)
class StrictIPAddressField(serializers.IPAddressField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(NOT_TEXT, code="invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """A JSON string for string choices, a JSON integer (not a boolean) for integer choices."""

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        wanted = int if all(isinstance(k, int) for k in self.choices) else str
        if isinstance(data, bool) or not isinstance(data, wanted):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


def rfc3339(value: datetime, tz: tzinfo | None = None) -> str:
    """The API's one date-time format: RFC 3339 in the current time zone (Japan), or in UTC for the
    rare instant whose local offset has seconds (Tokyo's local mean time before 1888, +09:18:59),
    which RFC 3339 cannot write."""
    local = value.astimezone(tz or timezone.get_current_timezone())
    offset = local.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        local = value.astimezone(UTC)
    return local.isoformat()


class DateTimeField(serializers.DateTimeField):
    """Output date-times through `rfc3339`."""

    def to_representation(self, value):
        return None if value is None else rfc3339(value)


@extend_schema_field(MOMENT_SCHEMA)
class MomentField(DateTimeField):
    """An ISO 8601 / RFC 3339 date-time read by okbnet_portal.moments (the portal's one parser):
    the offset is checked as sent (within ±14:00), the year is 1900 or later, and a value
    without an offset is Japan time. Output through `rfc3339`."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                return self.enforce_timezone(parse_moment(value))
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return super().to_internal_value(value)
