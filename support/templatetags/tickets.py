"""Ticket history and SLA as words: no internal code reaches a page."""

from django import template
from django.utils.translation import gettext_lazy as _

from accounts.models import Member
from accounts.services import STEP_LABELS
from okbnet_portal.actors import SYSTEM
from support.models import Ticket, TicketEvent

register = template.Library()

_LABELS = {
    "status": dict(Ticket.Status.choices),
    "priority": {str(k): v for k, v in Ticket.Priority.choices},
    "member_status": dict(Member.Status.choices),
    "category": dict(Ticket.Category.choices),
}
_STEPS = {
    **STEP_LABELS,
    "holder_found": _("Holder of the address found"),
    "fixed_ip_released": _("Fixed IP address released"),
    "member_emailed": _("Member e-mailed"),
    "radius_disconnect_ack": _("Connection cut by the line equipment (Disconnect: ACK)"),
    "radius_disconnect_nak": _("The line equipment refused to cut the connection (Disconnect: NAK)"),
    "radius_disconnect_timeout": _("No answer from the line equipment to the Disconnect"),
    "radius_disconnect_error": _("The Disconnect could not be sent"),
}
_FIELDS = {"status": _("Status"), "priority": _("Priority"), "assignee": _("Assignee"), "category": _("Category")}


@register.filter
def label(code, kind: str):
    """`{{ ticket_event.new_value|label:"status" }}` → 「対応中」; unknown codes stay as they are."""
    return _LABELS.get(kind, {}).get(str(code), code)


@register.filter
def change_text(event: TicketEvent) -> str:
    """What an event changed, in words: 「ステータス: 新規 → 対応中」."""
    if event.field in ("status", "priority", "category"):
        old = label(event.old_value, event.field) if event.old_value else "-"
        new = label(event.new_value, event.field) if event.new_value else "-"
        return f"{_FIELDS[event.field]}: {old} → {new}"
    if event.field == "step":
        return str(_STEPS.get(event.new_value, ""))
    if event.field == "assignee":
        return f"{_FIELDS['assignee']}: {event.old_value or '-'} → {event.new_value or '-'}"
    return ""


@register.filter
def actor_label(name: str) -> str:
    """Who wrote an event: a person's name, or the portal's own workers as 「OKBNET システム」."""
    return _("OKBNET system") if name == SYSTEM else name


@register.inclusion_tag("support/_sla_clock.html")
def sla_clock(clock):
    """Time left (or overdue) against the running SLA deadline, in business hours."""
    if clock is None:
        return {"clock": None}
    hours, minutes = clock.hours_minutes
    return {"clock": clock, "hours": hours, "minutes": minutes}
