"""Money and dates the way the page's language writes them: 8,030円 and 2027年1月1日 in Japanese."""

import datetime

from django import template
from django.utils import formats, translation
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def yen(amount) -> str:
    """8,030円 in Japanese, ¥8,030 in English."""
    if amount in (None, ""):
        return ""
    text = f"{int(amount):,}"
    return f"¥{text}" if (translation.get_language() or "ja").startswith("en") else f"{text}円"


@register.filter
def longdate(value) -> str:
    """A date (or an ISO date string from an e-mail's JSON context) in the language's long form."""
    if isinstance(value, str):
        value = parse_date(value[:10])
    if not isinstance(value, datetime.date):
        return ""
    return formats.date_format(value, "DATE_FORMAT")


LINE_TYPES = {"fibre": _("Fibre (hikari)"), "adsl": _("ADSL"), "catv": _("Cable TV")}


@register.filter
def line_type_label(code: str) -> str:
    """A line type code (plans, IP pools) in words."""
    return str(LINE_TYPES.get(code, code))
