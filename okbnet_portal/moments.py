"""The one parser and validator of date-times that come from outside (API filters, forms, imports).

Python accepts UTC offsets up to ±23:59 and years 1–9999; PostgreSQL's `timestamptz` refuses
offsets beyond ±15:59 (a `DataError`, a 500), and a naive time before 1888 in Asia/Tokyo gets the
local mean time offset `+09:18:59`, which is not valid RFC 3339. So every outside date-time is held
to what a careful operator accepts: offsets within ±14:00 (the widest any place on Earth uses) and
local dates from 1900-01-01 to 9999-12-30. Everything else is a field error with a message a person
can act on — never a 500, never a guess.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

MAX_OFFSET = dt.timedelta(hours=14)
EARLIEST = dt.datetime(1900, 1, 1)  # compared with the wall-clock value
LATEST = dt.datetime(9999, 12, 31)  # exclusive: room for any offset conversion


def check_moment(value: dt.datetime) -> dt.datetime:
    """Refuse an aware or naive date-time outside the accepted range (a Django ValidationError).

    Usable as a validator of Django form fields, django-filter fields and DRF fields alike.
    """
    if value is None:
        return value
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValidationError(
            _("The time zone offset must be between -14:00 and +14:00 (Japan time is +09:00)."),
            code="offset_out_of_range",
        )
    # The wall-clock value in [EARLIEST, LATEST), by its date (cheap: imports check millions).
    if value.year < EARLIEST.year or (value.year, value.month, value.day) >= (LATEST.year, LATEST.month, LATEST.day):
        raise ValidationError(
            _("The date must be between 1900-01-01 and 9999-12-30."),
            code="date_out_of_range",
        )
    return value


def parse_moment(text: str, *, default_timezone: dt.tzinfo | None = None) -> dt.datetime:
    """Parse an ISO 8601 / RFC 3339 date-time (`T` or a space; `/` as date separator is accepted).

    Without an offset the time is local to `default_timezone` (the portal's, Japan time). Raises
    ValidationError for anything that is not a real moment in the accepted range: `2026-13-45`,
    `2026-02-30T25:61`, an offset of `+25:00`, an empty value.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("The date and time is missing."), code="required")
    text = text.replace("/", "-")
    try:
        parsed = dt.datetime.fromisoformat(text)  # the common case, fast
    except ValueError:
        try:
            parsed = parse_datetime(text)  # what Django accepts beyond it
        except ValueError:  # well-formed but impossible: month 13, hour 25, offset +25:00
            parsed = None
    if parsed is None:
        raise ValidationError(
            _("“%(value)s” is not a date and time (e.g. 2026-11-01 09:30:00 or 2026-11-01T09:30:00+09:00)."),
            code="invalid",
            params={"value": text[:40]},
        )
    check_moment(parsed)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_timezone or timezone.get_current_timezone())
    return parsed
