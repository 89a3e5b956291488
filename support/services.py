"""Tickets: every write goes through here (staff pages, the API, workers), inside a
transaction with the ticket row locked, and leaves an event (field, old, new, who, when)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Member
from okbnet_portal.actors import Actor, actor_name, actor_user
from okbnet_portal.emails import email_queue
from okbnet_portal.errors import Conflict, InvalidInput
from okbnet_portal.links import absolute_url
from okbnet_portal.states import transition

from . import sla
from .models import Ticket, TicketEvent

S = Ticket.Status


class TransitionNotAllowed(Conflict):
    default_message = _("This status change is not allowed.")


class TicketClosedToReplies(Conflict):
    default_message = _("This ticket is closed. Please open a new inquiry.")


# A member's reply on a ticket in these statuses brings it back to the desk (the map must allow it).
MEMBER_REPLY_REOPENS: dict[str, str] = {S.PENDING: S.OPEN, S.RESOLVED: S.OPEN}


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
    by_member: bool = False,
) -> Ticket:
    """Open a ticket. `by_member`: the member wrote it (an inquiry from /mypage/), so it waits on staff."""
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
            awaiting_staff=by_member,
            sla_paused_minutes=0,
        )
        year = timezone.localdate(ticket.created_at).year
        ticket.number = f"T-{year}-{ticket.pk:06d}"
        sla.set_deadlines(ticket)
        Ticket.objects.filter(pk=ticket.pk).update(
            number=ticket.number, first_response_due=ticket.first_response_due, resolution_due=ticket.resolution_due
        )
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
            ticket.awaiting_staff = False
        sla.on_status_change(ticket, old=old, new=status)
        ticket.save(update_fields=["status", "needs_attention", "awaiting_staff", "updated_at", *sla.SLA_FIELDS])
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
        sla.set_deadlines(ticket)
        ticket.save(update_fields=["priority", "updated_at", *sla.SLA_FIELDS])
        _event(
            ticket, kind=TicketEvent.Kind.PRIORITY, by=by, field="priority", old_value=str(old), new_value=str(priority)
        )
    return ticket


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput({"body": [_("Write something first.")]})
    return body


def ticket_comment(*, ticket: Ticket | int, body: str, public: bool, by: Actor) -> TicketEvent:
    """OKBNET writes on a ticket: a public reply (e-mailed to the member, who reads it on their
    page) or an internal note (staff only). Members write through ticket_member_reply."""
    body = _clean_body(body)
    with transaction.atomic():
        ticket = _locked(ticket)
        kind = TicketEvent.Kind.PUBLIC_REPLY if public else TicketEvent.Kind.INTERNAL_NOTE
        event = _event(ticket, kind=kind, by=by, body=body)
        if not public:
            _touch(ticket)
            return event
        fields = ["awaiting_staff", "updated_at", *sla.SLA_FIELDS]
        ticket.awaiting_staff = False
        sla.on_first_response(ticket)
        if ticket.status == S.NEW:
            ticket.status = S.OPEN
            fields.append("status")
            _event(ticket, kind=TicketEvent.Kind.STATUS, by=by, field="status", old_value=S.NEW, new_value=S.OPEN)
        ticket.save(update_fields=fields)
        if ticket.member_id and ticket.member.email:
            _email_reply(ticket, body=body)
    return event


def _email_reply(ticket: Ticket, *, body: str) -> None:
    member = ticket.member
    email_queue(
        template="support/emails/ticket_reply",
        to=[member.email],
        context={
            "name": member.name,
            "ticket": ticket.number,
            "subject": ticket.subject,
            "body": body,
            "url": absolute_url("my-ticket", number=ticket.number),
        },
    )


def ticket_member_reply(*, ticket: Ticket | int, body: str, by: Actor) -> TicketEvent:
    """The member answers on their ticket: it waits on staff again, and a pending or resolved
    ticket comes back open (MEMBER_REPLY_REOPENS, within the transition map). A closed one
    is refused: the member opens a new inquiry."""
    body = _clean_body(body)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status == S.CLOSED:
            raise TicketClosedToReplies()
        event = _event(ticket, kind=TicketEvent.Kind.PUBLIC_REPLY, by=by, body=body)
        ticket.awaiting_staff = True
        ticket.save(update_fields=["awaiting_staff", "updated_at"])
        reopen = MEMBER_REPLY_REOPENS.get(ticket.status)
        if reopen and reopen in Ticket.TRANSITIONS[ticket.status]:
            ticket_change_status(ticket=ticket, status=reopen, by=by, note=_("The member replied."))
    return event


def ticket_record_step(*, ticket: Ticket | int, step: str, body: str = "", by: Actor = None) -> TicketEvent:
    """A step done by a worker (or another system); call inside the worker's transaction."""
    return ticket_record_steps(ticket=ticket, steps=[(step, body)], by=by)[0]


def ticket_record_steps(*, ticket: Ticket | int, steps: list[tuple[str, str]], by: Actor = None) -> list[TicketEvent]:
    """Several steps (code, body) in their order, in one INSERT, and the ticket touched once."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    events = TicketEvent.objects.bulk_create(
        TicketEvent(
            ticket_id=pk,
            kind=TicketEvent.Kind.SYSTEM_STEP,
            field="step",
            new_value=step,
            body=body,
            actor_name=actor_name(by),
        )
        for step, body in steps
    )
    Ticket.objects.filter(pk=pk).update(updated_at=timezone.now())
    return events


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
    "ticket_member_reply",
    "ticket_open",
    "ticket_record_step",
    "ticket_record_steps",
    "ticket_resolve_by_system",
    "ticket_set_priority",
]
