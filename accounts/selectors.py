"""Reads about members: scoped to the person asking, and the call-center API's search and rows."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import ConnectionPlan, Member, PlanChangeRequest, User


def member_for_user(user: User) -> Member:
    """The member record of a logged-in user, with its plan; 404 for users who are not members
    (staff accounts have no member page)."""
    try:
        return Member.objects.select_related("plan", "plan__fixed_variant").get(user=user)
    except Member.DoesNotExist:
        raise Http404("No member for this user") from None


def plan_change_for_member(*, member: Member, request_id: int) -> PlanChangeRequest:
    """One of the member's own plan-change requests; another member's id is a 404."""
    request = (
        PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member=member, pk=request_id).first()
    )
    if request is None:
        raise Http404
    return request


def latest_plan_change(member: Member) -> PlanChangeRequest | None:
    return PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member=member).first()


# Trigrams need three characters; shorter queries match name/kana prefixes instead.
PARTIAL_MIN_LENGTH = 3
# Members sharing one e-mail or phone are few; more than this is data to clean, not to list.
EXACT_LIMIT = 100

MEMBER_ROW_FIELDS = (
    "member_number",
    "name",
    "name_kana",
    "connection_username",
    "email",
    "phone",
    "status",
    "fixed_ip",
    "plan__code",
    "plan__name",
    "plan__name_en",
    "plan__ip_type",
    "plan__monthly_fee",
)


def member_exact_filter(query: str) -> Q:
    """Member number, connection user name, e-mail (any case) or phone: b-tree indexes."""
    return Q(member_number=query) | Q(connection_username=query) | Q(email__iexact=query) | Q(phone=query)


def member_partial_filter(query: str) -> Q:
    """Part of the name or kana (pg_trgm GIN on UPPER(name)/UPPER(name_kana)); the beginning for
    queries shorter than a trigram (pattern-ops b-trees)."""
    if len(query) >= PARTIAL_MIN_LENGTH:
        return Q(name__icontains=query) | Q(name_kana__icontains=query)
    return Q(name__istartswith=query) | Q(name_kana__istartswith=query)


def member_rows() -> QuerySet:
    """Members as plain rows (no model instances), ordered by number: the hot list of the API."""
    return Member.objects.order_by("member_number").values(*MEMBER_ROW_FIELDS)


def member_search(rows: QuerySet, query: str) -> QuerySet | list[dict]:
    """Search `rows` (member_rows(), maybe filtered) the way the call center does.

    An exact key (member number, user name, e-mail, phone) wins: its few rows come back as a list
    from one index probe. Otherwise part of the name or kana, as a query set to paginate. An exact
    key never appears inside a name, so nothing is lost by not mixing the two.
    """
    query = query.strip()
    if not query:
        return rows
    if query.isascii():  # keys are ASCII: a name in kana or kanji skips the probe
        exact = list(rows.filter(member_exact_filter(query))[:EXACT_LIMIT])
        if exact:
            return exact
    return rows.filter(member_partial_filter(query))


def member_detail_row(*, member_number: str) -> dict | None:
    return Member.objects.filter(member_number=member_number).values(*MEMBER_ROW_FIELDS, "id", "mail_address").first()


def plan_changes_of(*, member_id: int) -> QuerySet[PlanChangeRequest]:
    return PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member_id=member_id)


def plan_list() -> QuerySet[ConnectionPlan]:
    return ConnectionPlan.objects.select_related("fixed_variant").order_by("sort_order", "code")


def plan_change_with_ticket(*, request_id: int) -> PlanChangeRequest | None:
    return PlanChangeRequest.objects.select_related("member", "target_plan", "ticket").filter(pk=request_id).first()
