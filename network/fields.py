"""A network (CIDR) column: PostgreSQL's `cidr` type, a validated string elsewhere.

PostgreSQL's type lets a later migration add an exclusion constraint against overlapping
pools (`EXCLUDE USING gist (network inet_ops WITH &&)`); SQLite keeps the canonical text.
"""

import ipaddress

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def normalise_network(value: str) -> str:
    """The canonical form of a network (`192.0.2.0/28`); host bits set is an error."""
    try:
        return str(ipaddress.ip_network(str(value).strip(), strict=True))
    except ValueError as exc:
        raise ValidationError(_("Enter a network in CIDR form, e.g. 192.0.2.0/28."), code="invalid") from exc


class CidrField(models.CharField):
    description = _("IP network (CIDR)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 43)  # the longest IPv6 network in text
        super().__init__(*args, **kwargs)

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "cidr"
        return super().db_type(connection)

    def to_python(self, value):
        if value in self.empty_values:
            return value
        return normalise_network(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in self.empty_values:
            return value
        return normalise_network(value)

    def from_db_value(self, value, expression, connection):
        return value if value is None else str(value)
