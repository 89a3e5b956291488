"""The abuse desk's services: file a spam report against whoever held the address, and enforce.

Enforcement changes the member's status through a transition map (active → suspended → active,
either → cancelled), in one transaction with the member row locked, and leaves an append-only
EnforcementAction, an `enforcement` ticket, a note on the evidence ticket and an e-mail.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Member
from network import provisioning
from network import selectors as network_selectors
from network.services import address_release
from okbnet_portal.actors import Actor, actor_name, actor_user
from okbnet_portal.emails import email_queue
from okbnet_portal.errors import Conflict, InvalidInput
from okbnet_portal.states import transition
from support import services as tickets
from support.models import EnforcementAction, SpamReport, Ticket

MS = Member.Status
A = EnforcementAction.Action


class EnforcementNotAllowed(Conflict):
    default_message = gettext_lazy("This action is not possible in the member's current status.")


def allowed_actions(member: Member) -> list[str]:
    return [action for action, (sources, _target) in EnforcementAction.TRANSITIONS.items() if member.status in sources]


def spam_report_file(*, source_ip: str, seen_at: datetime, evidence: str, reporter: str, by: Actor) -> SpamReport:
    """Find who held `source_ip` at `seen_at` and open a `spam_report` ticket on them.

    When nobody held it (no session imported yet, not our address) the ticket is opened without a
    member and flagged for a person, so the report is never lost.
    """
    evidence = evidence.strip()
    if not evidence:
        raise InvalidInput({"evidence": [_("Paste the evidence (headers or log lines).")]})
    holder = network_selectors.address_holder(address=source_ip, at=seen_at)
    member = holder.member if holder else None
    when = timezone.localtime(seen_at).strftime("%Y-%m-%d %H:%M:%S %Z")
    with transaction.atomic():
        ticket = tickets.ticket_open(
            member=member,
            category=Ticket.Category.SPAM_REPORT,
            subject=_("Spam from %(ip)s at %(when)s") % {"ip": source_ip, "when": when},
            description=f"{_('Reporter')}: {reporter}\n\n{evidence}",
            priority=Ticket.Priority.HIGH,
            by=by,
        )
        report = SpamReport.objects.create(
            source_ip=source_ip,
            seen_at=seen_at,
            evidence=evidence,
            reporter=reporter.strip(),
            member=member,
            held_as=holder.source if holder else "",
            ticket=ticket,
            created_by=actor_name(by),
            created_by_user=actor_user(by),
        )
        if holder:
            until = timezone.localtime(holder.until).isoformat() if holder.until else "-"
            tickets.ticket_record_step(
                ticket=ticket,
                step="holder_found",
                body=f"{holder.source}: {holder.username} {timezone.localtime(holder.since).isoformat()} – {until}",
                by=by,
            )
        else:
            tickets.ticket_flag_for_person(ticket=ticket, reason=_("No member held this address at that time."), by=by)
    return report


def member_enforce(
    *, member: Member | int, action: str, reason: str, evidence_ticket: Ticket | None = None, by: Actor
) -> EnforcementAction:
    """Suspend, force-cancel or reinstate a member; 409 when the status does not allow it."""
    reason = reason.strip()
    errors = {}
    if action not in EnforcementAction.TRANSITIONS:
        errors["action"] = [_("Unknown action.")]
    if not reason:
        errors["reason"] = [_("Give the reason the member will read.")]
    if action in (A.SUSPEND, A.CANCEL) and evidence_ticket is None:
        errors["evidence_ticket"] = [_("Name the ticket with the evidence.")]
    if errors:
        raise InvalidInput(errors)
    pk = member.pk if isinstance(member, Member) else member
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=pk)
        if evidence_ticket is not None and evidence_ticket.member_id != member.pk:
            raise InvalidInput({"evidence_ticket": [_("That ticket is about another member.")]})
        sources, target = EnforcementAction.TRANSITIONS[action]
        old = transition(
            member,
            to=target,
            transitions={source: {target} for source in sources},
            error=EnforcementNotAllowed,
            message=_("A member who is “%(status)s” cannot be given “%(action)s”.")
            % {"status": member.get_status_display(), "action": A(action).label},
        )
        member.save(update_fields=["status", "updated_at"])
        ticket = tickets.ticket_open(
            member=member,
            category=Ticket.Category.ENFORCEMENT,
            subject=f"{A(action).label}: {member.member_number}",
            description=reason
            + (f"\n\n{_('Evidence')}: {evidence_ticket.number}" if evidence_ticket is not None else ""),
            priority=Ticket.Priority.HIGH,
            by=by,
        )
        record = EnforcementAction.objects.create(
            member=member,
            action=action,
            reason=reason,
            old_status=old,
            new_status=target,
            evidence_ticket=evidence_ticket,
            ticket=ticket,
            created_by=actor_name(by),
            created_by_user=actor_user(by),
        )
        tickets.ticket_record_step(ticket=ticket, step=f"status_{old}_to_{target}", by=by)
        provisioning.member_status_changed(member=member, ticket=ticket)  # RADIUS rows and Disconnect
        if evidence_ticket is not None:
            tickets.ticket_comment(
                ticket=evidence_ticket,
                body=_("Enforcement: %(action)s (ticket %(number)s).")
                % {"action": A(action).label, "number": ticket.number},
                public=False,
                by=by,
            )
        if target == MS.CANCELLED:
            address_release(member=member)
            tickets.ticket_record_step(ticket=ticket, step="fixed_ip_released", by=by)
        email_queue(
            template=f"support/emails/enforcement_{action}",
            to=[member.email],
            context={
                "name": member.name,
                "member_number": member.member_number,
                "reason": reason,
                "ticket": ticket.number,
            },
        )
        tickets.ticket_record_step(ticket=ticket, step="member_emailed", body=member.email, by=by)
    return record
