"""Input fields that take JSON as the schema types it: DRF's own turn `5` into `"5"` for a string
field and accept `"2"` for an integer choice, so a client could send what the schema forbids."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIPAddressField(serializers.IPAddressField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
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
