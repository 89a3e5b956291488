"""Reads for the staff screens: each is a fixed number of queries whatever the data size."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import Member, PlanChangeRequest
from mailsettings import op25b, stats
from network.selectors import pool_usage

from .models import EnforcementAction, Ticket

SORTS = {
    "created": "created_at",
    "updated": "updated_at",
    "priority": "priority",
    "number": "id",
    "status": "status",
}


def ticket_list(
    *, status: str = "", category: str = "", assignee: str = "", q: str = "", sort: str = "-created", user=None
) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related("member", "assignee")
    if status == "open_any":
        tickets = tickets.unresolved()
    elif status:
        tickets = tickets.filter(status=status)
    if category:
        tickets = tickets.filter(category=category)
    if assignee == "me" and user is not None:
        tickets = tickets.filter(assignee=user)
    elif assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif assignee == "attention":
        tickets = tickets.filter(needs_attention=True)
    if q:
        q = q.strip()
        tickets = tickets.filter(
            Q(number__iexact=q)
            | Q(subject__icontains=q)
            | Q(member__member_number__iexact=q)
            | Q(member__name__icontains=q)
            | Q(member__name_kana__icontains=q)
            | Q(member__connection_username__iexact=q)
            | Q(member__email__iexact=q)
        )
    field = SORTS.get(sort.lstrip("-"), "created_at")
    prefix = "-" if sort.startswith("-") else ""
    return tickets.order_by(f"{prefix}{field}", f"{prefix}id")


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
