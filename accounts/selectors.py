"""Reads about members: scoped to the person asking, and the call-center API's search and rows."""

from __future__ import annotations

import ipaddress

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import ConnectionPlan, Member, PlanChangeRequest, User
from .phones import looks_like_phone, phone_key


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


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def member_old_username_filter(query: str) -> Q:
    """Members who had this connection user name before a fixed-IP change (a semi-join on the
    index of PlanChangeRequest.old_connection_username)."""
    return Q(pk__in=PlanChangeRequest.objects.filter(old_connection_username=query).values("member_id"))


def member_phone_filter(query: str) -> Q:
    """The caller look-up: the phone number in any format (accounts.phones)."""
    return Q(phone_key=phone_key(query))


def member_exact_filter(query: str) -> Q:
    """Member number, connection user name, e-mail (any case), phone in any format, fixed IP:
    b-tree indexes (one bitmap OR). The old user name is a separate branch (member_search)."""
    condition = Q(member_number=query) | Q(connection_username=query) | Q(email__iexact=query)
    if looks_like_phone(query):
        condition |= member_phone_filter(query)
    if _is_ip_address(query):
        condition |= Q(fixed_ip=query)
    return condition


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

    An exact key (member number, user name old or new, e-mail, phone, fixed IP) wins: its few rows
    come back as a list from one query (a UNION of the bitmap OR of the keys and the old user
    names' semi-join). Otherwise part of the name or kana, as a query set to
    paginate. An exact key never appears inside a name, so nothing is lost by not mixing the two.
    Used by the API (`?search=`) and the staff search (/staff/members/?q=) alike.
    """
    query = query.strip()
    if not query:
        return rows
    if query.isascii() or looks_like_phone(query):  # keys are ASCII (or a full-width phone number)
        exact_rows = rows.filter(member_exact_filter(query)).order_by()
        if query.isascii():
            # UNION ALL: no member is in both branches (their old user name is not their current one).
            exact_rows = exact_rows.union(rows.filter(member_old_username_filter(query)).order_by(), all=True)
        exact = list(exact_rows.order_by("member_number")[:EXACT_LIMIT])
        if exact:
            return exact
    return rows.filter(member_partial_filter(query))


def member_phone_search(rows: QuerySet, phone: str) -> QuerySet:
    """The caller look-up (`?phone=`, /staff/calls/?number=): only the phone, in any format."""
    if not looks_like_phone(phone):
        return rows.none()
    return rows.filter(member_phone_filter(phone))


def member_detail_row(*, member_number: str) -> dict | None:
    return Member.objects.filter(member_number=member_number).values(*MEMBER_ROW_FIELDS, "id", "mail_address").first()


def plan_changes_of(*, member_id: int) -> QuerySet[PlanChangeRequest]:
    return PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member_id=member_id)


def plan_list() -> QuerySet[ConnectionPlan]:
    return ConnectionPlan.objects.select_related("fixed_variant").order_by("sort_order", "code")


def plan_change_with_ticket(*, request_id: int) -> PlanChangeRequest | None:
    return PlanChangeRequest.objects.select_related("member", "target_plan", "ticket").filter(pk=request_id).first()
