"""/mypage/plan/fixed-ip/: the member asks for the fixed-IP variant of their plan and watches it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from okbnet_portal.errors import ApplicationError, error_messages, form_add_error

from . import selectors, services
from .models import PlanChangeRequest


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my monthly fee and my connection user name will change."), required=True
    )


def status_payload(request: PlanChangeRequest) -> dict:
    """What the stepper shows; the page renders it once, then static/js/plan_change.js polls it."""
    done = {s["step"] for s in request.steps}
    if request.status in (PlanChangeRequest.Status.PROCESSING, PlanChangeRequest.Status.COMPLETED):
        done.add("processing")
    steps = [{"code": code, "label": str(label), "done": code in done} for code, label in services.STEPS]
    return {
        "id": request.pk,
        "status": request.status,
        "status_label": str(request.get_status_display()),
        "finished": request.status not in PlanChangeRequest.OPEN_STATUSES,
        "cancellable": request.status == PlanChangeRequest.Status.SUBMITTED,
        "steps": steps,
        "failure_reason": request.failure_reason,
        "failure_label": str(request.get_failure_reason_display()) if request.failure_reason else "",
        "new_connection_username": request.new_connection_username,
        "fixed_ip": request.fixed_ip,
        "ticket": request.ticket.number,
    }


@login_required
@require_http_methods(["GET", "POST"])
def fixed_ip(request):
    member = selectors.member_for_user(request.user)
    current = selectors.latest_plan_change(member)
    target = member.plan.fixed_variant
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.plan_change_request(member=member, by=request.user)
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Your request was received. You can follow its progress below."))
            if made.processing_delayed:
                messages.warning(request, services.PROCESSING_DELAYED)
            return redirect("plan-fixed-ip")
    context = {
        "member": member,
        "target": target,
        "effective_date": services.next_billing_date(),
        "form": form,
        "current": current,
        "status": status_payload(current) if current else None,
        "can_request": services.plan_change_offered(member=member, open_request=current),
    }
    return render(request, "accounts/plan_fixed_ip.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def fixed_ip_status(request, request_id: int):
    member = selectors.member_for_user(request.user)
    plan_change = selectors.plan_change_for_member(member=member, request_id=request_id)
    response = JsonResponse(status_payload(plan_change))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def fixed_ip_cancel(request, request_id: int):
    member = selectors.member_for_user(request.user)
    plan_change = selectors.plan_change_for_member(member=member, request_id=request_id)
    try:
        services.plan_change_cancel(request=plan_change, by=request.user)
    except ApplicationError as exc:
        messages.error(request, " ".join(error_messages(exc)))
    else:
        messages.success(request, _("Your request was cancelled."))
    return redirect("plan-fixed-ip")
