"""Ticket history in words: every code an event stores (field, status, step, priority, actor)
shown with its label, the same label everywhere (staff and member pages)."""

from django import template
from django.utils.translation import gettext as _

from accounts.services import STEP_LABELS
from okbnet_portal.actors import SYSTEM

from ..models import Ticket

register = template.Library()

_FIELDS = {
    "status": lambda: _("Status"),
    "priority": lambda: _("Priority"),
    "assignee": lambda: _("Assignee"),
    "step": lambda: _("Step"),
    "category": lambda: _("Category"),
}


def value_label(field: str, value: str) -> str:
    if not value:
        return "—"
    if field == "status":
        return str(dict(Ticket.Status.choices).get(value, value))
    if field == "priority":
        return str(dict(Ticket.Priority.choices).get(int(value), value)) if value.isdigit() else value
    if field == "category":
        return str(dict(Ticket.Category.choices).get(value, value))
    if field == "step":
        return str(STEP_LABELS.get(value, _("Processing step")))
    return value


@register.filter
def event_change(event) -> str:
    """“Status: New → Open”; a worker's step reads as its label alone."""
    if not event.field:
        return ""
    if event.field == "step":
        return value_label("step", event.new_value)
    name = _FIELDS.get(event.field)
    label = name() if name else event.field
    return f"{label}: {value_label(event.field, event.old_value)} → {value_label(event.field, event.new_value)}"


@register.filter
def actor_label(name: str) -> str:
    return _("OKBNET system") if name == SYSTEM else name
