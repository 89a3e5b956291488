from django.http import Http404

from .models import Member, PlanChangeRequest


def member_for_user(user) -> Member:
    """The member behind a logged-in user; anyone else gets a 404 (never another's data)."""
    member = Member.objects.select_related("plan", "plan__fixed_variant").filter(user=user).first()
    if member is None:
        raise Http404
    return member


def plan_change_for_member(*, member: Member, request_id: int) -> PlanChangeRequest:
    request = (
        PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member=member, pk=request_id).first()
    )
    if request is None:
        raise Http404
    return request


def latest_plan_change(member: Member) -> PlanChangeRequest | None:
    return PlanChangeRequest.objects.select_related("target_plan", "ticket").filter(member=member).first()
