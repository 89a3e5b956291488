"""Reads for the staff screens: each is a fixed number of queries whatever the data size."""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Member, PlanChangeRequest
from accounts.phones import looks_like_phone, phone_key
from mailsettings import op25b, stats
from network.selectors import pool_usage

from . import sla
from .models import EnforcementAction, Ticket


def staff_tickets() -> QuerySet[Ticket]:
    """Tickets for the staff list (support.filters.TicketFilter filters and orders them), with the
    running SLA deadline (`sla_next_due`) to sort by time left."""
    return Ticket.objects.select_related("member", "assignee").annotate(sla_next_due=sla.next_due_expression())


def by_time_left(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Least time left first; tickets without a running deadline last (staff_tickets annotates it)."""
    return tickets.order_by(F("sla_next_due").asc(nulls_last=True), "id")


def ticket_search(tickets: QuerySet, q: str) -> QuerySet:
    """Exact numbers, user names, e-mail and phone (any format); part of the subject, name or kana."""
    q = q.strip()
    if not q:
        return tickets
    condition = (
        Q(number__iexact=q)
        | Q(subject__icontains=q)
        | Q(member__member_number__iexact=q)
        | Q(member__name__icontains=q)
        | Q(member__name_kana__icontains=q)
        | Q(member__connection_username__iexact=q)
        | Q(member__email__iexact=q)
    )
    if looks_like_phone(q):
        condition |= Q(member__phone_key=phone_key(q))
    return tickets.filter(condition)


def ticket_detail(*, number: str) -> Ticket | None:
    return (
        Ticket.objects.select_related("member", "member__plan", "member__plan__fixed_variant", "assignee")
        .filter(number=number)
        .first()
    )


def dashboard(*, days: int = 14) -> dict:
    by_status = dict(Ticket.objects.values_list("status").annotate(n=Count("id")).order_by())
    by_category = dict(Ticket.objects.values_list("category").annotate(n=Count("id")).order_by())
    today = timezone.localdate()
    start = today - datetime.timedelta(days=days - 1)
    per_day = dict(
        PlanChangeRequest.objects.filter(created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    requests_per_day = [
        (start + datetime.timedelta(days=i), per_day.get(start + datetime.timedelta(days=i), 0)) for i in range(days)
    ]
    verdict_codes = sorted({rule.verdict for rule in op25b.TABLE})
    return {
        "by_status": [(s, label, by_status.get(s, 0)) for s, label in Ticket.Status.choices],
        "by_category": [(c, label, by_category.get(c, 0)) for c, label in Ticket.Category.choices],
        "needs_attention": Ticket.objects.filter(needs_attention=True).count(),
        "waiting_on_staff": Ticket.objects.filter(awaiting_staff=True).unresolved().count(),
        "sla_breached": sla.breached_count(),
        "requests_per_day": requests_per_day,
        "requests_by_status": dict(PlanChangeRequest.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "verdicts": stats.verdict_counts(days=days, verdicts=verdict_codes),
        "days": days,
        "pools": pool_usage(),
    }


def member_tickets(*, member) -> QuerySet[Ticket]:
    return Ticket.objects.filter(member=member).order_by("-updated_at", "-id")


def member_ticket(*, member, number: str) -> Ticket | None:
    """Scoped to the owner: another member's ticket number is a 404 (never their data)."""
    return Ticket.objects.filter(member=member, number=number).first()


def enforcement_notice(member: Member) -> EnforcementAction | None:
    """What a suspended or cancelled member is shown: the action that put them there."""
    if member.status == Member.Status.ACTIVE:
        return None
    return (
        EnforcementAction.objects.filter(member=member, new_status=member.status)
        .select_related("ticket")
        .order_by("-created_at", "-id")
        .first()
    )


# --- The call-center API ---------------------------------------------------------------------

TICKET_ROW_FIELDS = (
    "id",
    "number",
    "member__member_number",
    "category",
    "subject",
    "status",
    "priority",
    "needs_attention",
    "assignee__username",
    "created_at",
    "updated_at",
)


def ticket_rows() -> QuerySet:
    """Tickets as plain rows (joins, no model instances) for the API's list."""
    return Ticket.objects.values(*TICKET_ROW_FIELDS).order_by("-created_at", "-id")


def ticket_with_events(*, number: str) -> Ticket | None:
    """A ticket with its member, assignee and whole history: three queries."""
    return Ticket.objects.select_related("member", "assignee").prefetch_related("events").filter(number=number).first()


def open_ticket_rows_of(member_id: int) -> QuerySet:
    return ticket_rows().filter(member_id=member_id).unresolved()


# --- The staff member screen (support.member_screen) and the member summary of the ticket page ---


def staff_member(*, member_number: str) -> Member | None:
    return (
        Member.objects.select_related("plan", "plan__fixed_variant", "user").filter(member_number=member_number).first()
    )


def member_summary(member: Member) -> dict:
    """What an agent needs in front of them about a member (a fixed number of queries): the saved
    setups with their verdicts now, the plan-change requests, the last enforcement actions."""
    from mailsettings.selectors import mail_setups_with_verdicts

    return {
        "member": member,
        "setups": mail_setups_with_verdicts(member),
        "plan_requests": list(
            PlanChangeRequest.objects.filter(member=member).select_related("target_plan", "ticket")[:10]
        ),
        "enforcement": list(
            EnforcementAction.objects.filter(member=member).select_related("ticket", "created_by_user")[:10]
        ),
    }


def member_screen(member: Member) -> dict:
    """The whole member screen: the summary, DNS facts of their domains, their recent tickets."""
    from mailsettings.selectors import member_dns_facts
    from network.selectors import radius_state

    tickets = list(Ticket.objects.filter(member=member).select_related("assignee").order_by("-updated_at", "-id")[:20])
    return {
        **member_summary(member),
        "dns_facts": member_dns_facts(member),
        "radius": radius_state(member),
        "tickets": tickets,
        "ticket_count": Ticket.objects.filter(member=member).count(),
    }
