"""Reads about members, scoped to the person asking."""

from django.http import Http404

from .models import Member, PlanChangeRequest, User


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
