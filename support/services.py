"""Tickets: every write goes through here (staff pages, the API, workers), inside a
transaction with the ticket row locked, and leaves an event (field, old, new, who, when)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Member
from okbnet_portal.actors import Actor, actor_name, actor_user
from okbnet_portal.errors import Conflict, InvalidInput
from okbnet_portal.states import transition

from .models import Ticket, TicketEvent

S = Ticket.Status


class TransitionNotAllowed(Conflict):
    default_message = _("This status change is not allowed.")


def _event(ticket: Ticket, *, kind: str, by: Actor, **fields) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, kind=kind, actor_name=actor_name(by), actor_user=actor_user(by), **fields
    )


def _touch(ticket: Ticket) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())


def _locked(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update().get(pk=pk)


def ticket_open(
    *,
    member: Member | None,
    category: str,
    subject: str,
    description: str = "",
    priority: int = Ticket.Priority.NORMAL,
    by: Actor = None,
) -> Ticket:
    if category not in Ticket.Category.values:
        raise InvalidInput({"category": [_("Unknown category.")]})
    with transaction.atomic():
        ticket = Ticket.objects.create(
            member=member,
            category=category,
            subject=subject[:200],
            description=description,
            priority=priority,
            created_by=actor_name(by),
        )
        year = timezone.localdate(ticket.created_at).year
        ticket.number = f"T-{year}-{ticket.pk:06d}"
        Ticket.objects.filter(pk=ticket.pk).update(number=ticket.number)
        _event(ticket, kind=TicketEvent.Kind.CREATED, by=by, new_value=S.NEW, body=description)
    return ticket


def ticket_change_status(*, ticket: Ticket | int, status: str, by: Actor, note: str = "") -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if status == ticket.status:
            return ticket
        labels = dict(S.choices)
        old = transition(
            ticket,
            to=status,
            error=TransitionNotAllowed,
            message=_("A ticket cannot go from “%(old)s” to “%(new)s”.")
            % {"old": labels.get(ticket.status, ticket.status), "new": labels.get(status, status)},
        )
        if status in Ticket.CLOSED_STATUSES:
            ticket.needs_attention = False
        ticket.save(update_fields=["status", "needs_attention", "updated_at"])
        _event(ticket, kind=TicketEvent.Kind.STATUS, by=by, field="status", old_value=old, new_value=status, body=note)
    return ticket


def ticket_assign(*, ticket: Ticket | int, assignee, by: Actor) -> Ticket:
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise InvalidInput({"assignee": [_("Only active staff can be assigned.")]})
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.assignee_id == (assignee.pk if assignee else None):
            return ticket
        old = ticket.assignee.get_username() if ticket.assignee else ""
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        _event(
            ticket,
            kind=TicketEvent.Kind.ASSIGNMENT,
            by=by,
            field="assignee",
            old_value=old,
            new_value=assignee.get_username() if assignee else "",
        )
    return ticket


def ticket_set_priority(*, ticket: Ticket | int, priority: int, by: Actor) -> Ticket:
    if priority not in Ticket.Priority.values:
        raise InvalidInput({"priority": [_("Unknown priority.")]})
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.priority == priority:
            return ticket
        old = ticket.priority
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        _event(
            ticket, kind=TicketEvent.Kind.PRIORITY, by=by, field="priority", old_value=str(old), new_value=str(priority)
        )
    return ticket


def ticket_comment(*, ticket: Ticket | int, body: str, public: bool, by: Actor) -> TicketEvent:
    """A public reply (the member sees it) or an internal note (staff only)."""
    body = body.strip()
    if not body:
        raise InvalidInput({"body": [_("Write something first.")]})
    with transaction.atomic():
        ticket = _locked(ticket)
        kind = TicketEvent.Kind.PUBLIC_REPLY if public else TicketEvent.Kind.INTERNAL_NOTE
        event = _event(ticket, kind=kind, by=by, body=body)
        if public and ticket.status == S.NEW:
            ticket.status = S.OPEN
            ticket.save(update_fields=["status", "updated_at"])
            _event(ticket, kind=TicketEvent.Kind.STATUS, by=by, field="status", old_value=S.NEW, new_value=S.OPEN)
        else:
            _touch(ticket)
    return event


def ticket_record_step(*, ticket: Ticket | int, step: str, body: str = "", by: Actor = None) -> TicketEvent:
    """A step done by a worker (or another system); call inside the worker's transaction."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    event = TicketEvent.objects.create(
        ticket_id=pk,
        kind=TicketEvent.Kind.SYSTEM_STEP,
        field="step",
        new_value=step,
        body=body,
        actor_name=actor_name(by),
    )
    Ticket.objects.filter(pk=pk).update(updated_at=timezone.now())
    return event


def ticket_flag_for_person(*, ticket: Ticket | int, reason: str, by: Actor = None) -> Ticket:
    """Automatic processing gave up: the ticket is open, high priority, and needs a person."""
    with transaction.atomic():
        ticket = _locked(ticket)
        old_status = ticket.status
        ticket.needs_attention = True
        ticket.priority = max(ticket.priority, Ticket.Priority.HIGH)
        if ticket.status != S.OPEN:
            ticket.status = S.OPEN
        ticket.save(update_fields=["needs_attention", "priority", "status", "updated_at"])
        if old_status != S.OPEN:
            _event(ticket, kind=TicketEvent.Kind.STATUS, by=by, field="status", old_value=old_status, new_value=S.OPEN)
        _event(ticket, kind=TicketEvent.Kind.INTERNAL_NOTE, by=by, field="needs_attention", new_value="1", body=reason)
    return ticket


def ticket_resolve_by_system(*, ticket: Ticket | int, note: str = "", by: Actor = None) -> Ticket:
    """The system finished the work the ticket was opened for."""
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status in Ticket.CLOSED_STATUSES:
            return ticket
        return ticket_change_status(ticket=ticket, status=S.RESOLVED, by=by, note=note)


__all__ = [
    "TransitionNotAllowed",
    "ticket_assign",
    "ticket_change_status",
    "ticket_comment",
    "ticket_flag_for_person",
    "ticket_open",
    "ticket_record_step",
    "ticket_resolve_by_system",
    "ticket_set_priority",
]
